import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { ok, type Result } from "../errors.js";
import { loadPipelineSpec } from "../spec/load-pipeline.js";
import { PARAMS_FILE } from "../spec/stage.js";
import { flatten, formatLeaf, type Leaf } from "./flatten.js";
import { resolveRevision, showAtRevision } from "./git-revision.js";
import { compareValues, type MetricChange } from "./metrics.js";
import type { Table } from "./table.js";

export interface ParamsDiff {
  revision: string;
  commit: string;
  changes: MetricChange[];
  notes: string[];
}

function flattenParams(text: string | null): Map<string, Leaf> | undefined {
  if (text === null) return undefined;
  return flatten(parse(text), "json");
}

/** Params files in the workspace against a git revision (default HEAD); `all` keeps unchanged keys too. */
export function paramsDiff(
  options: { cwd?: string; revision?: string; all?: boolean } = {},
): Result<ParamsDiff> {
  const root = resolve(options.cwd ?? process.cwd());
  const revision = options.revision ?? "HEAD";
  const commit = resolveRevision(root, revision);
  if (!commit.ok) return commit;
  const spec = loadPipelineSpec(root);
  if (!spec.ok) return spec;
  const files = [
    ...new Set([PARAMS_FILE, ...spec.value.stages.flatMap((stage) => stage.params.map((p) => p.file))]),
  ];
  const diff: ParamsDiff = { revision, commit: commit.value, changes: [], notes: [] };
  for (const file of files) {
    const shown = showAtRevision(root, commit.value, file);
    if (!shown.ok) return shown;
    let current: string | null = null;
    try {
      current = readFileSync(join(root, file), "utf8");
    } catch {}
    if (shown.value === null && current === null) continue;
    const before = flattenParams(shown.value);
    const after = flattenParams(current);
    if (!before) diff.notes.push(`${file}: missing at ${revision}`);
    if (!after) diff.notes.push(`${file}: missing in the workspace`);
    diff.changes.push(...compareValues(file, before ?? new Map(), after ?? new Map(), options.all ?? false));
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
