import type { RunEntry } from "./cache/run-cache.js";
import { type LockedStage, sameBlock } from "./lock.js";
import { lockedOutputs, runKey, type StageSnapshot, toLockedStage } from "./snapshot.js";
import type { Stage } from "./spec/stage.js";
import type { Workspace } from "./workspace.js";

/**
 * Files a successful run (or a `commit`): outputs into the object store, directory deps' manifests (so `why`
 * can list changed files later), and a run-cache entry. Returns the lock block; the caller writes the lock.
 * Every output must exist.
 */
export function storeRun(workspace: Workspace, stage: Stage, snapshot: StageSnapshot): LockedStage {
  const { store, runs, root } = workspace;
  for (const output of snapshot.outputs) {
    if (output.state) store.store(root, output.path, output.state);
  }
  for (const dep of snapshot.deps) {
    if (dep.state?.kind === "dir") store.storeManifest(dep.state);
  }
  const block = toLockedStage(stage, snapshot);
  const entry: RunEntry = {
    stage: stage.name,
    key: runKey(stage, snapshot),
    cmd: stage.commands,
    deps: block.deps,
    params: block.params,
    outputs: lockedOutputs(block),
  };
  runs.save(entry);
  return block;
}

/** The lock block for a run restored from the cache: today's inputs, the cached run's outputs. */
export function restoredBlock(
  stage: Stage,
  inputs: Omit<StageSnapshot, "outputs">,
  entry: RunEntry,
): LockedStage {
  const outputs = entry.outputs;
  const strip = ({ path, hash, size, nfiles }: RunEntry["outputs"][number]) =>
    nfiles === undefined ? { path, hash, size } : { path, hash, size, nfiles };
  return {
    ...toLockedStage(stage, { ...inputs, outputs: [] }),
    outs: outputs.filter((output) => output.kind === "out").map(strip),
    metrics: outputs.filter((output) => output.kind === "metric").map(strip),
    plots: outputs.filter((output) => output.kind === "plot").map(strip),
  };
}

/** Records a stage's block and writes the lock, unless the block is what the lock already says. */
export async function acceptBlock(workspace: Workspace, stage: string, block: LockedStage): Promise<void> {
  const before = workspace.lock.get(stage);
  workspace.lock.set(stage, block);
  // An always_changed stage that produced the same bytes, a restore of what the lock names: nothing to write,
  // and the lock's mtime and the spec cache stay valid.
  if (before && sameBlock(before, block)) return;
  await workspace.saveLock();
}
