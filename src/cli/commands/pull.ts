import { pull } from "../../repro/index.js";
import { integerOption, parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError, seconds } from "../output.js";
import { describeBytes, transferProgress } from "../transfer-progress.js";

export const help = `usage: tabula pull [--remote NAME|URL] [--jobs N] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run cache) from a remote, then restores outputs
missing from the workspace. Every object is checked against its hash before it enters the cache.

options:
  -r, --remote NAME    a remote from \`tabula remote list\`, or a URL/path (default: $TABULA_REMOTE, then the
                       default remote, then \`remote:\` in pipeline.yaml)
  -j, --jobs N         transfers at once (default: 16 for S3, 4 for a directory, or the remote's \`jobs\`)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("pull", args, {
    remote: { type: "string", short: "r" },
    jobs: { type: "string", short: "j" },
    "no-run-cache": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError("pull takes no arguments");
  const started = performance.now();
  const progress = transferProgress();
  const result = await pull({
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
    `pulled ${report.downloadedObjects} objects (${describeBytes(report.downloadedBytes)}) and ${report.downloadedRuns} run entries from ${report.remote}; restored ${report.restoredOutputs.length} outputs in ${seconds((performance.now() - started) / 1000)}\n`,
  );
  if (report.missingOnRemote > 0) {
    process.stderr.write(
      `note: ${report.missingOnRemote} objects the lock refers to are not on the remote either\n`,
    );
  }
  return 0;
}
