import { join, resolve } from "node:path";
import { ok, type Result } from "../errors.js";
import { loadPipeline } from "../workspace.js";
import { flatten, formatLeaf, formatNumber, type Leaf } from "./flatten.js";
import { bothSides, type DiffOptions, diffBase, readOrNull } from "./git-revision.js";
import type { Table } from "./table.js";

/** One metrics file: its flattened values, or why there are none. */
export interface MetricsFile {
  path: string;
  values: Map<string, Leaf>;
  /** "missing" or a JSON parse error; `values` is then empty. */
  problem?: string;
}

export function parseMetrics(path: string, text: string | null): MetricsFile {
  if (text === null) return { path, values: new Map(), problem: "missing" };
  try {
    return { path, values: flatten(JSON.parse(text), "skip") };
  } catch (error) {
    return { path, values: new Map(), problem: `invalid JSON: ${(error as Error).message}` };
  }
}

/** The metrics files the pipeline declares, in stage order. */
async function metricsPaths(root: string): Promise<Result<string[]>> {
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return loaded;
  const { stages } = loaded.value.pipeline;
  return ok(stages.flatMap((stage) => stage.outputs.filter((o) => o.kind === "metric").map((o) => o.path)));
}

export async function metricsShow(options: { cwd?: string } = {}): Promise<Result<MetricsFile[]>> {
  const root = resolve(options.cwd ?? process.cwd());
  const paths = await metricsPaths(root);
  if (!paths.ok) return paths;
  return ok(paths.value.map((path) => parseMetrics(path, readOrNull(join(root, path)))));
}

export interface MetricChange {
  path: string;
  key: string;
  old?: Leaf;
  new?: Leaf;
  /** new − old, when both are numbers. */
  change?: number;
  /** (new − old) / |old|, when both are numbers and old ≠ 0. */
  relative?: number;
}

export interface MetricsDiff {
  revision: string;
  commit: string;
  changes: MetricChange[];
  /** Files missing or unreadable on either side, e.g. "metrics/x.json: missing at HEAD". */
  notes: string[];
}

export function compareValues(
  path: string,
  before: Map<string, Leaf>,
  after: Map<string, Leaf>,
  all: boolean,
): MetricChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const changes: MetricChange[] = [];
  for (const key of keys) {
    const old = before.get(key);
    const now = after.get(key);
    const same = JSON.stringify(old) === JSON.stringify(now);
    if (same && !all) continue;
    const change: MetricChange = { path, key, old, new: now };
    if (typeof old === "number" && typeof now === "number") {
      change.change = now - old;
      if (old !== 0) change.relative = (now - old) / Math.abs(old);
    }
    changes.push(change);
  }
  return changes;
}

/** Metrics in the workspace against a git revision (default HEAD). `all` keeps unchanged values too. */
export async function metricsDiff(options: DiffOptions = {}): Promise<Result<MetricsDiff>> {
  const base = diffBase(options);
  if (!base.ok) return base;
  const { root, revision, commit } = base.value;
  const paths = await metricsPaths(root);
  if (!paths.ok) return paths;
  const diff: MetricsDiff = { revision, commit, changes: [], notes: [] };
  for (const path of paths.value) {
    const texts = bothSides(base.value, path);
    if (!texts.ok) return texts;
    const before = parseMetrics(path, texts.value.before);
    const after = parseMetrics(path, texts.value.after);
    if (before.problem) diff.notes.push(`${path}: ${before.problem} at ${revision}`);
    if (after.problem) diff.notes.push(`${path}: ${after.problem} in the workspace`);
    diff.changes.push(...compareValues(path, before.values, after.values, options.all ?? false));
  }
  return ok(diff);
}

const signed = (text: string) => (text.startsWith("-") || text === "0" ? text : `+${text}`);

export function metricsDiffTable(diff: MetricsDiff, precision: number): Table {
  return {
    headers: ["Path", "Metric", diff.revision, "workspace", "Change", "%"],
    align: ["left", "left", "right", "right", "right", "right"],
    rows: diff.changes.map((change) => [
      change.path,
      change.key,
      formatLeaf(change.old, precision),
      formatLeaf(change.new, precision),
      change.change === undefined ? "—" : signed(formatNumber(change.change, precision)),
      change.relative === undefined ? "—" : `${signed(formatNumber(change.relative * 100, 3))} %`,
    ]),
  };
}

export function metricsShowTable(files: MetricsFile[], precision: number): Table {
  return {
    headers: ["Path", "Metric", "Value"],
    align: ["left", "left", "right"],
    rows: files.flatMap((file) =>
      file.problem
        ? [[file.path, "—", file.problem]]
        : [...file.values].map(([key, value]) => [file.path, key, formatLeaf(value, precision)]),
    ),
  };
}
