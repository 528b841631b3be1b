import { resolve } from "node:path";
import { ObjectStore } from "./cache/object-store.js";
import { locksAtRevisions, type RevisionScope } from "./cache/revision-locks.js";
import { err, ok, type Result, toReproError } from "./errors.js";
import type { LockedStages } from "./lock.js";
import { acquireWorkspaceLock } from "./run/workspace-lock.js";
import { lockedOutputs } from "./snapshot.js";
import { openWorkspace, type Workspace } from "./workspace.js";

export interface GcOptions extends RevisionScope {
  cwd?: string;
  /** Run-cache entries to keep per stage, most recently used first (default 3). */
  keepRuns?: number;
  /** Report what would be removed without removing it. */
  dry?: boolean;
  cacheDir?: string;
}

export interface GcReport {
  removedObjects: number;
  removedBytes: number;
  keptObjects: number;
  removedRuns: number;
  keptRuns: number;
}

export const DEFAULT_KEEP_RUNS = 3;

/** Object names the locks need: every output, and the manifests of directory deps (for `why`). */
export function referencesOf(store: ObjectStore, locks: Iterable<LockedStages>): Set<string> {
  const names = new Set<string>();
  for (const lock of locks) {
    for (const block of lock.values()) {
      for (const output of lockedOutputs(block)) {
        for (const name of store.objectsOf(output) ?? [ObjectStore.manifestName(output.hash)])
          names.add(name);
      }
      for (const dep of block.deps) {
        if (dep.nfiles !== undefined) names.add(ObjectStore.manifestName(dep.hash));
      }
    }
  }
  return names;
}

/** Object names this workspace's lock needs. */
export function lockReferences(workspace: Workspace): Set<string> {
  return referencesOf(workspace.store, [workspace.lock]);
}

/**
 * Removes cached objects that neither the lock nor a kept run entry needs, and run entries beyond the
 * `keepRuns` most recent of each stage. The locks that count are this workspace's, and with `allBranches` /
 * `allCommits` those of every branch tip / every commit. With a cache shared between workspaces, objects only
 * another workspace's lock needs survive if one of the kept runs produced them.
 */
export async function gc(options: GcOptions = {}): Promise<Result<GcReport>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()), options.cacheDir);
  if (!opened.ok) return opened;
  const workspace = opened.value;
  const keep = Math.max(0, options.keepRuns ?? DEFAULT_KEEP_RUNS);
  const revisions = await locksAtRevisions(workspace.root, options);
  if (!revisions.ok) return revisions;
  const release = await acquireWorkspaceLock(workspace.paths, "gc");
  try {
    const { store, runs } = workspace;
    const referenced = referencesOf(store, [workspace.lock, ...revisions.value]);
    const byStage = new Map<string, ReturnType<typeof runs.list>>();
    for (const record of runs.list())
      byStage.set(record.stage, [...(byStage.get(record.stage) ?? []), record]);
    let removedRuns = 0;
    let keptRuns = 0;
    for (const records of byStage.values()) {
      records.sort((a, b) => b.usedMs - a.usedMs);
      for (const [index, record] of records.entries()) {
        const entry = runs.lookup(record.stage, record.key);
        if (index < keep && entry) {
          keptRuns++;
          for (const output of entry.outputs) {
            for (const name of store.objectsOf(output) ?? []) referenced.add(name);
          }
        } else {
          removedRuns++;
          if (!options.dry) runs.remove(record.stage, record.key);
        }
      }
    }
    let removedObjects = 0;
    let removedBytes = 0;
    let keptObjects = 0;
    for (const object of store.list()) {
      if (referenced.has(object.name)) {
        keptObjects++;
        continue;
      }
      removedObjects++;
      removedBytes += object.size;
      if (!options.dry) store.remove(object.name);
    }
    if (!options.dry) {
      workspace.statCache.prune(workspace.root);
      workspace.statCache.save();
    }
    return ok({ removedObjects, removedBytes, keptObjects, removedRuns, keptRuns });
  } catch (thrown) {
    return err(toReproError(thrown));
  } finally {
    release();
  }
}
