// What an experiment records about a workspace after a run: the params the stages read (from the params files),
// the metrics files, every dep's hash (from pipeline.lock), and the git revision.

import { spawnSync } from "node:child_process";
import { loadPipeline, lookupParam, metricsShow, readLock } from "../repro/index.js";
import { err, ok, type Result } from "../result.js";
import type { ExpError } from "./exp-error.js";
import type { Experiment } from "./experiment.js";

export interface WorkspaceState {
  params: Experiment["params"];
  metrics: Experiment["metrics"];
  deps: Experiment["deps"];
}

export type StateResult = Result<WorkspaceState, ExpError>;

export async function workspaceState(root: string): Promise<StateResult> {
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return err({ kind: "repro", error: loaded.error });
  const params: Record<string, unknown> = {};
  for (const stage of loaded.value.pipeline.stages)
    for (const ref of stage.params) {
      const data = loaded.value.params.read(ref.file)?.data;
      const { found, value } = lookupParam(data, ref.key);
      if (found) flattenInto(params, ref.file === "params.yaml" ? ref.key : `${ref.file}:${ref.key}`, value);
    }
  const metrics = await metricsShow({ cwd: root });
  if (!metrics.ok) return err({ kind: "repro", error: metrics.error });
  const lock = await readLock(root);
  if (!lock.ok) return err({ kind: "repro", error: lock.error });
  const deps: Record<string, string> = {};
  for (const stage of lock.value.values()) for (const dep of stage.deps) deps[dep.path] = dep.hash;
  return ok({
    params: sortKeys(params),
    metrics: Object.fromEntries(
      metrics.value
        .filter((file) => !file.problem)
        .map((file) => [file.path, Object.fromEntries(file.values)]),
    ),
    deps: sortKeys(deps),
  });
}

/** Objects become dotted keys; scalars and lists are values (a list of columns is one setting). */
export function flattenInto(into: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) into[key] = {};
    for (const [child, nested] of entries) flattenInto(into, `${key}.${child}`, nested);
  } else {
    into[key] = value;
  }
}

/** The commit HEAD is at and whether anything git tracks (or would track) differs from it; null outside git. */
export function gitRevision(root: string): Experiment["rev"] {
  const head = spawnSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], {
    cwd: root,
    encoding: "utf8",
  });
  if (head.status !== 0) return null;
  const changes = spawnSync("git", ["status", "--porcelain", "--untracked-files=normal"], {
    cwd: root,
    encoding: "utf8",
  });
  return { commit: head.stdout.trim(), dirty: changes.status === 0 && changes.stdout.trim() !== "" };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
