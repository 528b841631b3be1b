import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import * as z from "zod/mini";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { err, ok, type Result } from "./errors.js";
import { HASH_ALGORITHM } from "./hash/xxh3.js";
import type { LockedPath, LockedStages } from "./lock.js";
import { describeIssue, firstInFile } from "./spec/schema-issue.js";
import { LOCK_FILE } from "./spec/stage.js";
import { parseYamlSource } from "./spec/yaml-source.js";

// Reading and writing pipeline.lock. Loaded only when the lock must be parsed (the spec cache missed) or written.

const LOCK_SCHEMA = "1";

const LockedPathSchema = z.strictObject({
  path: z.string(),
  hash: z.string().check(z.regex(/^[0-9a-f]{32}$/, "hash must be 32 hex digits")),
  size: z.number(),
  nfiles: z.optional(z.number()),
});
const PathList = z.optional(z.array(LockedPathSchema));
const LockedStageSchema = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string())]),
  deps: PathList,
  params: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
  outs: PathList,
  metrics: PathList,
  plots: PathList,
});
const LockSchema = z.strictObject({
  schema: z.literal(LOCK_SCHEMA, { error: `schema must be "${LOCK_SCHEMA}"` }),
  hash: z.literal(HASH_ALGORITHM, { error: `hash must be "${HASH_ALGORITHM}"` }),
  stages: z.optional(z.nullable(z.record(z.string(), LockedStageSchema))),
});

/** Parses and validates the text of pipeline.lock. */
export function parseLock(text: string): Result<LockedStages> {
  const parsed = parseYamlSource(text, LOCK_FILE);
  if (!parsed.ok) {
    const { error } = parsed;
    return err(
      error.kind === "yaml-syntax" ? { kind: "invalid-lock", at: error.at, message: error.message } : error,
    );
  }
  const checked = LockSchema.safeParse(parsed.value.data);
  if (!checked.success) {
    const first = firstInFile(checked.error.issues.map((issue) => describeIssue(issue, parsed.value)));
    return err({
      kind: "invalid-lock",
      at: first?.at ?? { file: LOCK_FILE, line: 1, column: 1 },
      message: first?.message ?? "invalid",
    });
  }
  const stages: LockedStages = new Map();
  for (const [name, stage] of Object.entries(checked.data.stages ?? {})) {
    stages.set(name, {
      cmd: stage.cmd,
      deps: stage.deps ?? [],
      params: stage.params ?? {},
      outs: stage.outs ?? [],
      metrics: stage.metrics ?? [],
      plots: stage.plots ?? [],
    });
  }
  return ok(stages);
}

/** Reads pipeline.lock; a missing lock is an empty one. */
export function readLock(root: string): Result<LockedStages> {
  let text: string;
  try {
    text = readFileSync(join(root, LOCK_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return ok(new Map());
    return err({ kind: "io", path: LOCK_FILE, message: (error as Error).message });
  }
  return parseLock(text);
}

const byPath = (a: LockedPath, b: LockedPath) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Path first (what a reader scans for), then the rest in a fixed order. */
function pathEntry(entry: LockedPath): Record<string, unknown> {
  return entry.nfiles === undefined
    ? { path: entry.path, hash: entry.hash, size: entry.size }
    : { path: entry.path, hash: entry.hash, size: entry.size, nfiles: entry.nfiles };
}

function sortedKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/**
 * The lock as text: one block per stage in pipeline order, keys sorted within a block, deps and outputs sorted by
 * path, so that it diffs and merges line by line. No timestamps: the same run gives the same bytes.
 */
export function serializeLock(stages: LockedStages, order: readonly string[]): string {
  const blocks: Record<string, unknown> = {};
  for (const name of order) {
    const stage = stages.get(name);
    if (!stage) continue;
    const block: Record<string, unknown> = { cmd: stage.cmd };
    if (stage.deps.length > 0) block.deps = [...stage.deps].sort(byPath).map(pathEntry);
    if (stage.metrics.length > 0) block.metrics = [...stage.metrics].sort(byPath).map(pathEntry);
    if (stage.outs.length > 0) block.outs = [...stage.outs].sort(byPath).map(pathEntry);
    const params = Object.keys(stage.params).sort();
    if (params.length > 0) {
      block.params = Object.fromEntries(params.map((file) => [file, sortedKeys(stage.params[file] ?? {})]));
    }
    if (stage.plots.length > 0) block.plots = [...stage.plots].sort(byPath).map(pathEntry);
    blocks[name] = block;
  }
  // Stages reading the same params section share its object: without aliasDuplicateObjects: false, yaml would
  // write it once with an anchor (&a1) and alias it (*a1) elsewhere, hiding the values from a reviewer's diff.
  return stringify(
    { schema: LOCK_SCHEMA, hash: HASH_ALGORITHM, stages: blocks },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
}

/** Writes pipeline.lock atomically, keeping only stages that are still in the pipeline. */
export function writeLock(root: string, stages: LockedStages, order: readonly string[]): void {
  writeFileAtomic(join(root, LOCK_FILE), serializeLock(stages, order));
}
