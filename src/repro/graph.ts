import { existsSync } from "node:fs";
import { join } from "node:path";
import { err, type Location, ok, type Result } from "./errors.js";
import { overlaps } from "./paths.js";
import type { Pipeline } from "./spec/stage.js";

/** The stages as a DAG: an edge runs from a stage writing an output to each stage with a dep overlapping it. */
export interface Graph {
  /** Topological order; among stages that could go next, the one written first in pipeline.yaml. */
  order: string[];
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

export function buildGraph(pipeline: Pipeline): Result<Graph> {
  const outputs = pipeline.stages.flatMap((stage) =>
    stage.outputs.map((output) => ({ stage: stage.name, output })),
  );
  for (const [index, { stage, output }] of outputs.entries()) {
    for (const other of outputs.slice(0, index)) {
      if (overlaps(output.path, other.output.path)) {
        return err({
          kind: "overlapping-outs",
          at: output.at,
          stage,
          path: output.path,
          other: { stage: other.stage, path: other.output.path },
        });
      }
    }
  }

  const upstream = new Map<string, string[]>(pipeline.stages.map((stage) => [stage.name, []]));
  const downstream = new Map<string, string[]>(pipeline.stages.map((stage) => [stage.name, []]));
  const edgeAt = new Map<string, Location>();
  for (const stage of pipeline.stages) {
    for (const dep of stage.deps) {
      const producers = outputs.filter(({ output }) => overlaps(dep.path, output.path));
      if (producers.length === 0 && !dep.optional && !existsSync(join(pipeline.root, dep.path))) {
        return err({ kind: "missing-dep", at: dep.at, stage: stage.name, path: dep.path });
      }
      for (const producer of producers) {
        if (producer.stage === stage.name) {
          return err({ kind: "cycle", at: dep.at, stages: [stage.name, stage.name] });
        }
        const ups = upstream.get(stage.name) ?? [];
        if (!ups.includes(producer.stage)) {
          ups.push(producer.stage);
          downstream.get(producer.stage)?.push(stage.name);
          edgeAt.set(`${producer.stage}\0${stage.name}`, dep.at);
        }
      }
    }
  }

  const cycle = findCycle(
    pipeline.stages.map((stage) => stage.name),
    downstream,
  );
  if (cycle) {
    const closing = edgeAt.get(`${cycle[cycle.length - 2]}\0${cycle[cycle.length - 1]}`);
    return err({
      kind: "cycle",
      at: closing ?? pipeline.stages[0]?.at ?? { file: pipeline.file, line: 1, column: 1 },
      stages: cycle,
    });
  }

  const position = new Map(pipeline.stages.map((stage, index) => [stage.name, index]));
  const remaining = new Map(
    pipeline.stages.map((stage) => [stage.name, upstream.get(stage.name)?.length ?? 0]),
  );
  const order: string[] = [];
  const ready = pipeline.stages.filter((stage) => remaining.get(stage.name) === 0).map((stage) => stage.name);
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const next = ready.shift() as string;
    order.push(next);
    for (const child of downstream.get(next) ?? []) {
      const left = (remaining.get(child) ?? 0) - 1;
      remaining.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return ok({ order, upstream, downstream });
}

/** A cycle as a path that starts and ends at the same stage, or undefined. */
function findCycle(names: string[], downstream: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    state.set(name, "visiting");
    stack.push(name);
    for (const child of downstream.get(name) ?? []) {
      const seen = state.get(child);
      if (seen === "visiting") return [...stack.slice(stack.indexOf(child)), child];
      if (seen === undefined) {
        const found = visit(child);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of names) {
    if (state.has(name)) continue;
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

/** The named stages and everything reachable from them along `edges`, in topological order. */
function closure(graph: Graph, names: readonly string[], edges: Map<string, string[]>): string[] {
  const selected = new Set<string>();
  const add = (name: string) => {
    if (selected.has(name)) return;
    selected.add(name);
    for (const next of edges.get(name) ?? []) add(next);
  };
  for (const name of names) add(name);
  return graph.order.filter((name) => selected.has(name));
}

/** The named stages and everything they depend on, in topological order. */
export function withUpstream(graph: Graph, names: readonly string[]): string[] {
  return closure(graph, names, graph.upstream);
}

/** The named stages and everything that depends on them, in topological order. */
export function withDownstream(graph: Graph, names: readonly string[]): string[] {
  return closure(graph, names, graph.downstream);
}
