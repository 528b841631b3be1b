import { pull } from "../../repro/index.js";
import { parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula pull [--remote DIR] [--no-run-cache]

Downloads the cached outputs pipeline.lock refers to (and the run cache) from a remote, then restores outputs
missing from the workspace.

options:
  -r, --remote DIR     the remote (default: $TABULA_REMOTE, then \`remote:\` in pipeline.yaml)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("pull", args, {
    remote: { type: "string", short: "r" },
    "no-run-cache": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError("pull takes no arguments");
  const result = await pull({ cwd: values.cwd, remote: values.remote, runCache: !values["no-run-cache"] });
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  process.stdout.write(
    `pulled ${report.downloadedObjects} objects and ${report.downloadedRuns} run entries from ${report.remote}; restored ${report.restoredOutputs.length} outputs\n`,
  );
  if (report.missingOnRemote > 0) {
    process.stderr.write(
      `note: ${report.missingOnRemote} objects the lock refers to are not on the remote either\n`,
    );
  }
  return 0;
}
