import { fetch } from "../../repro/index.js";
import { type CommandIo, processIo } from "../command.js";
import { runTransfer } from "../transfer-command.js";
import { describeBytes } from "../transfer-progress.js";

export const help = `usage: tabula fetch [--remote NAME|URL] [--jobs N] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run entries that recorded them) from a remote
into the local cache only; the workspace is not touched (\`tabula pull\` also restores missing outputs).
Every object is checked against its hash before it enters the cache.

options:
  -r, --remote NAME    a remote from \`tabula remote list\`, or a URL/path (default: $TABULA_REMOTE, then the
                       default remote, then \`remote:\` in pipeline.yaml)
  -j, --jobs N         transfers at once (default: 16 for S3, 4 for a directory, or the remote's \`jobs\`)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return runTransfer("fetch", args, io, fetch, (report, took) => ({
    summary: `fetched ${report.downloadedObjects} objects (${describeBytes(report.downloadedBytes)}) and ${report.downloadedRuns} run entries from ${report.remote} in ${took}`,
    notes:
      report.missingOnRemote > 0
        ? [`${report.missingOnRemote} objects the lock refers to are not on the remote either`]
        : [],
  }));
}
