import { inputsSnapshot, outputsSnapshot } from "./snapshot.js";
import { type StaleReason, staleReasons } from "./staleness.js";
import type { Workspace } from "./workspace.js";

export type StageState = "up-to-date" | "stale" | "upstream-stale" | "frozen";

export interface StageStatus {
  stage: string;
  state: StageState;
  /** The stage's own reasons (for a frozen stage: what would make it stale if it were not frozen). */
  reasons: StaleReason[];
  /** For `upstream-stale`: the stale stages it depends on (it reruns only if they change its deps). */
  upstream: string[];
}

/** Which of `names` (topological order) are stale and why, without running or writing anything but caches. */
export function computeStatus(workspace: Workspace, names: readonly string[]): StageStatus[] {
  const { pipeline, graph, hasher, params, lock } = workspace;
  const stale = new Set<string>();
  const statuses: StageStatus[] = [];
  for (const name of names) {
    const stage = pipeline.byName.get(name);
    if (!stage) continue;
    const snapshot = { ...inputsSnapshot(stage, hasher, params), outputs: outputsSnapshot(stage, hasher) };
    const reasons = staleReasons(stage, lock.get(name), snapshot);
    const upstream = (graph.upstream.get(name) ?? []).filter((parent) => stale.has(parent));
    let state: StageState;
    if (stage.frozen) state = "frozen";
    else if (reasons.length > 0) state = "stale";
    else if (upstream.length > 0) state = "upstream-stale";
    else state = "up-to-date";
    if (state === "stale" || state === "upstream-stale") stale.add(name);
    statuses.push({ stage: name, state, reasons, upstream });
  }
  return statuses;
}
