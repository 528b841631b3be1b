import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ObjectStore, type StoredRef } from "../cache/object-store.js";
import { locksAtRevisions, type RevisionScope } from "../cache/revision-locks.js";
import type { RunEntry } from "../cache/run-cache.js";
import { ReproFailure } from "../errors.js";
import { DEFAULT_KEEP_RUNS, referencesOf } from "../gc.js";
import { lockedOutputs } from "../snapshot.js";
import { forEachLimit } from "./pool.js";
import { fetchObject, type TransferOptions, withRemote } from "./transfer.js";

export interface RemoteGcOptions extends TransferOptions, RevisionScope {
  /** Run entries to keep per stage on the remote, most recently pushed first (default 3). */
  keepRuns?: number;
  dry?: boolean;
}

export interface RemoteGcReport {
  remote: string;
  removedObjects: number;
  removedBytes: number;
  keptObjects: number;
  removedRuns: number;
  keptRuns: number;
}

/**
 * Removes from the remote what neither a kept lock (this workspace's, and with `allBranches` / `allCommits`
 * those revisions') nor a kept run entry needs. Run entries go first, so no entry ever names a removed object.
 * (Directory manifests the local cache lacks are fetched, verified, to learn the files they name.)
 */
export async function gcRemote(options: RemoteGcOptions = {}) {
  return withRemote(options, async (workspace, remote): Promise<RemoteGcReport> => {
    await remote.check(false);
    const revisions = await locksAtRevisions(workspace.root, options);
    if (!revisions.ok) throw new ReproFailure(revisions.error);
    const jobs = options.jobs ?? remote.defaultJobs;
    const keep = Math.max(0, options.keepRuns ?? DEFAULT_KEEP_RUNS);
    const [objects, runs] = [await remote.list("objects"), await remote.list("runs")];

    const byStage = new Map<string, { name: string; modifiedMs: number }[]>();
    for (const [name, { modifiedMs }] of runs) {
      const stage = name.split("/")[0] ?? "";
      byStage.set(stage, [...(byStage.get(stage) ?? []), { name, modifiedMs }]);
    }
    const keptRuns: string[] = [];
    const removedRuns: string[] = [];
    for (const entries of byStage.values()) {
      entries.sort((a, b) => b.modifiedMs - a.modifiedMs);
      keptRuns.push(...entries.slice(0, keep).map((entry) => entry.name));
      removedRuns.push(...entries.slice(keep).map((entry) => entry.name));
    }

    const locks = [workspace.lock, ...revisions.value];
    const refs: StoredRef[] = locks.flatMap((lock) => [...lock.values()].flatMap(lockedOutputs));
    const scratch = mkdtempSync(join(tmpdir(), "tabula-gc-"));
    try {
      await forEachLimit(keptRuns, jobs, async (name) => {
        const file = join(scratch, name.replace("/", "_"));
        await remote.download("runs", name, file);
        const entry = JSON.parse(readFileSync(file, "utf8")) as Partial<RunEntry>;
        if (Array.isArray(entry.outputs)) refs.push(...entry.outputs);
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    // Only the manifests: they are small and say which files a kept directory needs.
    const { store } = workspace;
    const manifests = [
      ...new Set(
        refs.filter((ref) => ref.nfiles !== undefined).map((ref) => ObjectStore.manifestName(ref.hash)),
      ),
    ].filter((name) => !store.has(name) && objects.has(name));
    await forEachLimit(manifests, jobs, async (name) => {
      await fetchObject(remote, store, name);
    });
    const needed = referencesOf(store, locks);
    for (const ref of refs) {
      for (const name of store.objectsOf(ref) ?? [ObjectStore.manifestName(ref.hash)]) needed.add(name);
    }

    const doomed = [...objects].filter(([name]) => !needed.has(name));
    if (!options.dry) {
      await remote.remove("runs", removedRuns);
      await remote.remove(
        "objects",
        doomed.map(([name]) => name),
      );
    }
    return {
      remote: remote.url,
      removedObjects: doomed.length,
      removedBytes: doomed.reduce((sum, [, object]) => sum + object.size, 0),
      keptObjects: objects.size - doomed.length,
      removedRuns: removedRuns.length,
      keptRuns: keptRuns.length,
    };
  });
}
