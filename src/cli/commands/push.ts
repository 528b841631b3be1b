import { push } from "../../repro/index.js";
import { integerOption, parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError, seconds } from "../output.js";
import { describeBytes, transferProgress } from "../transfer-progress.js";

export const help = `usage: tabula push [--remote NAME|URL] [--jobs N] [--no-run-cache]

Uploads the cached outputs pipeline.lock refers to, and the run cache, to a remote: s3://bucket/prefix, a
directory (a mounted volume, a CI cache directory) or file:// URL. Only what the remote lacks is sent (one
listing, no request per object); an interrupted push leaves the remote usable and the next one completes it.

options:
  -r, --remote NAME    a remote from \`tabula remote list\`, or a URL/path (default: $TABULA_REMOTE, then the
                       default remote, then \`remote:\` in pipeline.yaml)
  -j, --jobs N         transfers at once (default: 16 for S3, 4 for a directory, or the remote's \`jobs\`)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("push", args, {
    remote: { type: "string", short: "r" },
    jobs: { type: "string", short: "j" },
    "no-run-cache": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError("push takes no arguments");
  const started = performance.now();
  const progress = transferProgress();
  const result = await push({
    cwd: values.cwd,
    remote: values.remote,
    runCache: !values["no-run-cache"],
    jobs: values.jobs === undefined ? undefined : integerOption("jobs", values.jobs, 0, 1),
    onProgress: progress.onProgress,
  });
  progress.finish();
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  process.stdout.write(
    `pushed ${report.uploadedObjects} objects (${describeBytes(report.uploadedBytes)}) and ${report.uploadedRuns} run entries to ${report.remote} in ${seconds((performance.now() - started) / 1000)}\n`,
  );
  if (report.missingLocally > 0) {
    process.stderr.write(
      `note: ${report.missingLocally} objects the lock refers to are neither in the local cache nor on the remote\n`,
    );
  }
  if (report.skippedRuns > 0) {
    process.stderr.write(
      `note: ${report.skippedRuns} run entries not pushed: some of their outputs are not cached here\n`,
    );
  }
  return 0;
}
