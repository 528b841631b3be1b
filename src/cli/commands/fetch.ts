import { fetch } from "../../repro/index.js";
import { type CommandIo, processIo } from "../command.js";
import { missingOnRemoteNotes, runTransfer, TRANSFER_OPTIONS } from "../transfer-command.js";
import { describeBytes } from "../transfer-progress.js";

export const help = `usage: tabula fetch [--remote NAME|URL] [--jobs N] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run entries that recorded them) from a remote
into the local cache only; the workspace is not touched (\`tabula pull\` also restores missing outputs).
Every object is checked against its hash before it enters the cache.

${TRANSFER_OPTIONS}`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return runTransfer("fetch", args, io, fetch, (report, took) => ({
    summary: `fetched ${report.downloadedObjects} objects (${describeBytes(report.downloadedBytes)}) and ${report.downloadedRuns} run entries from ${report.remote} in ${took}`,
    notes: missingOnRemoteNotes(report.missingOnRemote),
  }));
}
