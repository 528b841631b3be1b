import { unreachable } from "../result.js";
import type { Graph } from "./graph.js";

export type DagFormat = "ascii" | "mermaid" | "dot";

/** The pipeline graph as text: an ascii tree for the terminal, Mermaid for Markdown, or Graphviz dot. */
export function renderDag(graph: Graph, format: DagFormat): string {
  switch (format) {
    case "mermaid":
      return renderMermaid(graph);
    case "dot":
      return renderDot(graph);
    case "ascii":
      return renderAscii(graph);
    default:
      return unreachable(format);
  }
}

function edges(graph: Graph): [string, string][] {
  return graph.order.flatMap((name) =>
    (graph.downstream.get(name) ?? []).map((child): [string, string] => [name, child]),
  );
}

function renderMermaid(graph: Graph): string {
  const id = new Map(graph.order.map((name, index) => [name, `s${index}`]));
  const lines = ["flowchart TD"];
  for (const name of graph.order) lines.push(`  ${id.get(name)}["${name.replaceAll('"', "#quot;")}"]`);
  for (const [from, to] of edges(graph)) lines.push(`  ${id.get(from)} --> ${id.get(to)}`);
  return `${lines.join("\n")}\n`;
}

function renderDot(graph: Graph): string {
  const quote = (name: string) => `"${name.replaceAll('"', '\\"')}"`;
  const lines = ["digraph pipeline {", "  rankdir=TB;", "  node [shape=box];"];
  for (const name of graph.order) lines.push(`  ${quote(name)};`);
  for (const [from, to] of edges(graph)) lines.push(`  ${quote(from)} -> ${quote(to)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * A tree in topological order: each stage hangs under the last of its upstream stages and names the others,
 * so every stage appears once.
 */
function renderAscii(graph: Graph): string {
  const position = new Map(graph.order.map((name, index) => [name, index]));
  const primaryParent = new Map<string, string>();
  for (const name of graph.order) {
    const parents = [...(graph.upstream.get(name) ?? [])].sort(
      (a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0),
    );
    const last = parents[parents.length - 1];
    if (last) primaryParent.set(name, last);
  }
  const children = (name: string) => graph.order.filter((child) => primaryParent.get(child) === name);
  const lines: string[] = [];
  const visit = (name: string, prefix: string, connector: string, childPrefix: string) => {
    const others = (graph.upstream.get(name) ?? []).filter((parent) => parent !== primaryParent.get(name));
    lines.push(
      `${prefix}${connector}${name}${others.length > 0 ? `  (also after ${others.join(", ")})` : ""}`,
    );
    const kids = children(name);
    kids.forEach((child, index) => {
      const last = index === kids.length - 1;
      visit(child, prefix + childPrefix, last ? "└─▶ " : "├─▶ ", last ? "    " : "│   ");
    });
  };
  for (const root of graph.order.filter((name) => !primaryParent.has(name))) visit(root, "", "", "");
  return lines.length > 0 ? `${lines.join("\n")}\n` : "(no stages)\n";
}
