import { push } from "../../repro/index.js";
import { parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula push [--remote DIR] [--no-run-cache]

Uploads the cached outputs pipeline.lock refers to, and the run cache, to a remote: a directory (a mounted
volume, a CI cache directory) or file:// URL.

options:
  -r, --remote DIR     the remote (default: $TABULA_REMOTE, then \`remote:\` in pipeline.yaml)
      --no-run-cache   only what the lock refers to
  -C, --cwd DIR        the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("push", args, {
    remote: { type: "string", short: "r" },
    "no-run-cache": { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError("push takes no arguments");
  const result = await push({ cwd: values.cwd, remote: values.remote, runCache: !values["no-run-cache"] });
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  process.stdout.write(
    `pushed ${report.uploadedObjects} objects and ${report.uploadedRuns} run entries to ${report.remote}\n`,
  );
  if (report.missingLocally > 0) {
    process.stderr.write(
      `note: ${report.missingLocally} objects the lock refers to are not in the local cache\n`,
    );
  }
  return 0;
}
