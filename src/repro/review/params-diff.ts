import { formatError, ok, type Result } from "../errors.js";
import { PARAMS_FILE } from "../spec/stage.js";
import { loadPipeline } from "../workspace.js";
import { flatten, formatLeaf, type Leaf } from "./flatten.js";
import { bothSides, type DiffOptions, diffBase } from "./git-revision.js";
import { compareValues, type MetricChange } from "./metrics.js";
import type { Table } from "./table.js";

export interface ParamsDiff {
  revision: string;
  commit: string;
  changes: MetricChange[];
  notes: string[];
}

/** Flattened params, undefined for a missing file, or why the text is not valid YAML. */
async function flattenParams(text: string | null): Promise<Map<string, Leaf> | string | undefined> {
  if (text === null) return undefined;
  const { parseYamlSource } = await import("../spec/yaml-source.js");
  const parsed = parseYamlSource(text, "params");
  if (parsed.ok) return flatten(parsed.value.data, "json");
  return parsed.error.kind === "yaml-syntax"
    ? `invalid YAML (line ${parsed.error.at.line}: ${parsed.error.message})`
    : formatError(parsed.error);
}

/** Params files in the workspace against a git revision (default HEAD); `all` keeps unchanged keys too. */
export async function paramsDiff(options: DiffOptions = {}): Promise<Result<ParamsDiff>> {
  const base = diffBase(options);
  if (!base.ok) return base;
  const { root, revision, commit } = base.value;
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return loaded;
  const { stages } = loaded.value.pipeline;
  const files = [...new Set([PARAMS_FILE, ...stages.flatMap((stage) => stage.params.map((p) => p.file))])];
  const diff: ParamsDiff = { revision, commit, changes: [], notes: [] };
  for (const file of files) {
    const texts = bothSides(base.value, file);
    if (!texts.ok) return texts;
    if (texts.value.before === null && texts.value.after === null) continue;
    const before = await flattenParams(texts.value.before);
    const after = await flattenParams(texts.value.after);
    if (before === undefined) diff.notes.push(`${file}: missing at ${revision}`);
    if (typeof before === "string") diff.notes.push(`${file}: ${before} at ${revision}`);
    if (after === undefined) diff.notes.push(`${file}: missing in the workspace`);
    if (typeof after === "string") diff.notes.push(`${file}: ${after} in the workspace`);
    const asMap = (value: typeof before) => (value instanceof Map ? value : new Map<string, Leaf>());
    diff.changes.push(...compareValues(file, asMap(before), asMap(after), options.all ?? false));
  }
  return ok(diff);
}

export function paramsDiffTable(diff: ParamsDiff, precision: number): Table {
  return {
    headers: ["Path", "Param", diff.revision, "workspace"],
    align: ["left", "left", "right", "right"],
    rows: diff.changes.map((change) => [
      change.path,
      change.key,
      formatLeaf(change.old, precision),
      formatLeaf(change.new, precision),
    ]),
  };
}
