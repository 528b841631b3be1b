// README.md's examples as data: its fenced blocks, the commands they show, a copy of the checkout to run them in,
// and the comparison of a block's shown output with what a command printed. In the README, `…` stands for what
// differs from run to run (durations, content hashes such as model versions, request ids, the reasons a stage
// reran) and matches any text on its line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { copyWorkspace } from "../../../src/exp/workspace-copy.js";
import { datedCsv } from "../../fixtures/dated.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type Block = { info: string; text: string; line: number };

/** The fenced code blocks of a Markdown file, with their info string and first line number. */
export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++)
      body.push(lines[j]?.slice(indent) ?? "");
    blocks.push({ info: open[2] as string, text: body.join("\n"), line: i + 2 });
    i = j;
  }
  return blocks;
}

export const readme = (): Block[] => fencedBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));

/** The one block whose first line starts with `start`; throws naming what is missing. */
export function blockStartingWith(blocks: Block[], start: string): Block {
  const found = blocks.filter((block) => block.text.startsWith(start));
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks starting with ${start}`);
  return found[0] as Block;
}

/** A README line as a pattern: literal text, `…` matching any text on the line. */
export function linePattern(shown: string): RegExp {
  const parts = shown.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".*?")}$`);
}

/**
 * What differs between `shown` (README lines, with `…`) and `printed` (a command's lines), in order: a missing
 * line, an extra line or a line that does not match. Empty when they agree.
 */
export function outputDifferences(shown: string[], printed: string[]): string[] {
  const differences: string[] = [];
  const length = Math.max(shown.length, printed.length);
  for (let i = 0; i < length; i++) {
    const expected = shown[i];
    const actual = printed[i];
    if (expected === undefined) differences.push(`line ${i + 1}: printed but not shown: ${actual}`);
    else if (actual === undefined) differences.push(`line ${i + 1}: shown but not printed: ${expected}`);
    else if (!linePattern(expected).test(actual))
      differences.push(`line ${i + 1}:\n  README:  ${expected}\n  printed: ${actual}`);
  }
  return differences;
}

/** The arguments of the README's `npx tabula <args>` line that starts with `prefix` (e.g. "data infer"). */
export function commandArgs(blocks: Block[], prefix: string): string[] {
  for (const block of blocks) {
    for (const line of block.text.split("\n")) {
      const match = new RegExp(`^npx tabula (${prefix}.*?)\\s*(#.*)?$`).exec(line);
      if (match) return (match[1] as string).split(/\s+/);
    }
  }
  throw new Error(`README.md shows no \`npx tabula ${prefix}\` command`);
}

/**
 * The lines of `stage` in repro's output (or a README block of it): its result line and its `ran in` line; tune's
 * per-trial progress lines, which the README leaves out, are skipped.
 */
export function stageLines(text: string, stage: string): string[] {
  const own = new RegExp(`^${stage.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+(│|ran in )`);
  return text.split("\n").filter((line) => own.test(line) && !/│ trial\s+\d+\//.test(line));
}

/**
 * A copy of this checkout to run the README's commands in, with the README's CSV (test/fixtures/dated.ts) where its
 * `npx tabula data infer` line reads it: the README's blocks, the copy's folder, that line's arguments.
 */
export function readmeProject(prefix: string): {
  blocks: Block[];
  parent: string;
  dir: string;
  inferArgs: string[];
  remove: () => void;
} {
  const blocks = readme();
  const parent = mkdtempSync(join(tmpdir(), `tabula-${prefix}-`));
  const dir = copyWorkspace(ROOT, join(parent, "project")).dir;
  const inferArgs = commandArgs(blocks, "data infer");
  writeFileSync(join(dir, inferArgs.find((arg) => arg.endsWith(".csv")) as string), datedCsv());
  return { blocks, parent, dir, inferArgs, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** A `curl -s http://127.0.0.1:8080/predict … -d '<body>'` example and the `# <answer>` line under it. */
export function curlPredictExample(text: string): { body: unknown; answer: string } | undefined {
  const match = /curl -s http:\/\/127\.0\.0\.1:8080\/predict .*? -d '([^']+)'\n# (\{.*\})/s.exec(text);
  if (!match) return undefined;
  return { body: JSON.parse(String(match[1]).replace(/\n\s*/g, " ")), answer: match[2] as string };
}
