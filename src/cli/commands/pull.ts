import { pull } from "../../repro/index.js";
import { type CommandIo, processIo } from "../command.js";
import { runTransfer } from "../transfer-command.js";
import { describeBytes } from "../transfer-progress.js";

export const help = `usage: tabula pull [--remote NAME|URL] [--jobs N] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run entries that recorded them) from a remote,
then restores outputs missing from the workspace. Every object is checked against its hash before it enters
the cache.

options:
  -r, --remote NAME    a remote from \`tabula remote list\`, or a URL/path (default: $TABULA_REMOTE, then the
                       default remote, then \`remote:\` in pipeline.yaml)
  -j, --jobs N         transfers at once (default: 16 for S3, 4 for a directory, or the remote's \`jobs\`)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return runTransfer("pull", args, io, pull, (report, took) => ({
    summary: `pulled ${report.downloadedObjects} objects (${describeBytes(report.downloadedBytes)}) and ${report.downloadedRuns} run entries from ${report.remote}; restored ${report.restoredOutputs.length} outputs in ${took}`,
    notes:
      report.missingOnRemote > 0
        ? [`${report.missingOnRemote} objects the lock refers to are not on the remote either`]
        : [],
  }));
}
