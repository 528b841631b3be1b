import { pull } from "../../repro/index.js";
import { type CommandIo, processIo } from "../command.js";
import { missingOnRemoteNotes, runTransfer, TRANSFER_OPTIONS } from "../transfer-command.js";
import { describeBytes } from "../transfer-progress.js";

export const help = `usage: tabula pull [--remote NAME|URL] [--jobs N] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run entries that recorded them) from a remote,
then restores outputs missing from the workspace. Every object is checked against its hash before it enters
the cache.

${TRANSFER_OPTIONS}`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return runTransfer("pull", args, io, pull, (report, took) => ({
    summary: `pulled ${report.downloadedObjects} objects (${describeBytes(report.downloadedBytes)}) and ${report.downloadedRuns} run entries from ${report.remote}; restored ${report.restoredOutputs.length} outputs in ${took}`,
    notes: missingOnRemoteNotes(report.missingOnRemote),
  }));
}
