import { ObjectStore } from "../cache/object-store.js";
import { lockedOutputs } from "../snapshot.js";
import { lockRuns, type TransferOptions, withRemote } from "./transfer.js";

export interface OutputSync {
  stage: string;
  path: string;
  /** Every object it needs is in the local cache. */
  cached: boolean;
  /** Every object it needs is on the remote (a directory's manifest is pushed after its files). */
  onRemote: boolean;
}

export interface RemoteStatusReport {
  remote: string;
  outputs: OutputSync[];
  /** Objects the lock needs that `push` would send, `pull` would fetch, and that neither side has. */
  objects: { toPush: number; toPull: number; nowhere: number };
  /** Run entries `push` would send (every local one) and `pull` would fetch (those recording the lock). */
  runs: { toPush: number; toPull: number };
}

/** What is missing where, for the lock's outputs and the run cache: one listing per section. */
export async function remoteStatus(options: TransferOptions = {}) {
  return withRemote(options, async (workspace, remote): Promise<RemoteStatusReport> => {
    await remote.check(false);
    const { store } = workspace;
    const objects = await remote.list("objects");
    const runs = await remote.list("runs");
    const counted = new Set<string>();
    const report: RemoteStatusReport = {
      remote: remote.url,
      outputs: [],
      objects: { toPush: 0, toPull: 0, nowhere: 0 },
      runs: { toPush: 0, toPull: 0 },
    };
    for (const [stage, block] of workspace.lock) {
      for (const output of lockedOutputs(block)) {
        const names = store.objectsOf(output) ?? [ObjectStore.manifestName(output.hash)];
        let cached = true;
        let onRemote = true;
        for (const name of names) {
          const here = store.has(name);
          const there = objects.has(name);
          cached &&= here;
          onRemote &&= there;
          if (counted.has(name)) continue;
          counted.add(name);
          if (here && !there) report.objects.toPush++;
          else if (there && !here) report.objects.toPull++;
          else if (!here && !there) report.objects.nowhere++;
        }
        report.outputs.push({ stage, path: output.path, cached, onRemote });
      }
    }
    const local = new Set(workspace.runs.list().map((record) => `${record.stage}/${record.key}`));
    for (const name of local) if (!runs.has(name)) report.runs.toPush++;
    for (const { name } of lockRuns(workspace)) if (runs.has(name) && !local.has(name)) report.runs.toPull++;
    return report;
  });
}
