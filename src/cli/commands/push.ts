import { push } from "../../repro/index.js";
import { type CommandIo, processIo } from "../command.js";
import { runTransfer, TRANSFER_OPTIONS } from "../transfer-command.js";
import { describeBytes } from "../transfer-progress.js";

export const help = `usage: tabula push [--remote NAME|URL] [--jobs N] [--no-run-cache]

Uploads the cached outputs pipeline.lock refers to, and the run cache, to a remote: s3://bucket/prefix, a
directory (a mounted volume, a CI cache directory) or file:// URL. Only what the remote lacks is sent (one
listing, no request per object); an interrupted push leaves the remote usable and the next one completes it.

${TRANSFER_OPTIONS}`;

export function run(args: string[], io: CommandIo = processIo): Promise<number> {
  return runTransfer("push", args, io, push, (report, took) => ({
    summary: `pushed ${report.uploadedObjects} objects (${describeBytes(report.uploadedBytes)}) and ${report.uploadedRuns} run entries to ${report.remote} in ${took}`,
    notes: [
      ...(report.missingLocally > 0
        ? [
            `${report.missingLocally} objects the lock refers to are neither in the local cache nor on the remote`,
          ]
        : []),
      ...(report.skippedRuns > 0
        ? [`${report.skippedRuns} run entries not pushed: some of their outputs are not cached here`]
        : []),
    ],
  }));
}
