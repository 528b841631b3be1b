import { resolve } from "node:path";
import { err, ok, type Result, toReproError } from "./errors.js";
import { acceptBlock, storeRun } from "./record-run.js";
import { acquireWorkspaceLock } from "./run/workspace-lock.js";
import { takeSnapshot } from "./snapshot.js";
import { staleReasons } from "./staleness.js";
import { openWorkspace, selectStages } from "./workspace.js";

export interface CommitOptions {
  cwd?: string;
  /** Stages to commit (default: every stage). Only these, not their upstream. */
  stages?: string[];
  cacheDir?: string;
}

export interface CommitReport {
  committed: string[];
  unchanged: string[];
}

/**
 * Accepts the current deps, params and outputs of stages into the lock without running them (after a cosmetic
 * change, say), and files the outputs in the cache and run cache as if the stage had produced them.
 */
export async function commit(options: CommitOptions = {}): Promise<Result<CommitReport>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()), options.cacheDir);
  if (!opened.ok) return opened;
  const workspace = opened.value;
  const selected = selectStages(workspace, options.stages, true);
  if (!selected.ok) return selected;
  const release = await acquireWorkspaceLock(workspace.paths, "commit");
  try {
    const report: CommitReport = { committed: [], unchanged: [] };
    for (const name of selected.value) {
      const stage = workspace.pipeline.byName.get(name);
      if (!stage) continue;
      const snapshot = takeSnapshot(stage, workspace.hasher, workspace.params);
      const missingDep = snapshot.deps.find((dep) => dep.state === null && !dep.optional);
      if (missingDep) return err({ kind: "dep-missing-at-run", stage: name, path: missingDep.path });
      const missingOutput = snapshot.outputs.find((output) => output.state === null);
      if (missingOutput)
        return err({ kind: "output-missing", stage: name, path: missingOutput.path, when: "commit" });
      if (staleReasons(stage, workspace.lock.get(name), snapshot).length === 0) {
        report.unchanged.push(name);
        continue;
      }
      await acceptBlock(workspace, name, storeRun(workspace, stage, snapshot));
      report.committed.push(name);
    }
    return ok(report);
  } catch (thrown) {
    return err(toReproError(thrown));
  } finally {
    workspace.statCache.save();
    release();
  }
}
