import { resolve } from "node:path";
import { DEFAULT_KEEP_RUNS, gc, gcRemote } from "../../repro/index.js";
import { type CommandIo, integerOption, parseCommandArgs, processIo, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";
import { takeRemoteFlag } from "../remote-flag.js";

export const help = `usage: tabula gc [--remote[=NAME]] [--all-branches | --all-commits] [--keep-runs N] [--dry]

Removes cached objects that neither pipeline.lock nor a kept run-cache entry needs, and run-cache entries
beyond the N most recently used of each stage. With --remote, the same on the remote (its default, or NAME):
what no kept lock and no kept run entry names is deleted there.

options:
      --remote[=NAME]   collect the remote instead of the local cache
      --all-branches    also keep what the lock at the tip of every local branch names
      --all-commits     also keep what the lock of every commit names
      --keep-runs N     run-cache entries to keep per stage (default ${DEFAULT_KEEP_RUNS})
  -j, --jobs N          transfers at once (--remote)
  -n, --dry             report what would be removed
  -C, --cwd DIR         the directory holding pipeline.yaml (default: .)
`;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { rest, remote } = takeRemoteFlag(args);
  const { values, positionals } = parseCommandArgs("gc", rest, {
    "keep-runs": { type: "string" },
    "all-branches": { type: "boolean" },
    "all-commits": { type: "boolean" },
    jobs: { type: "string", short: "j" },
    dry: { type: "boolean", short: "n" },
  });
  if (positionals.length > 0) throw new UsageError("gc takes no arguments");
  const common = {
    cwd: resolve(io.cwd, values.cwd ?? "."),
    keepRuns: integerOption("keep-runs", values["keep-runs"], DEFAULT_KEEP_RUNS),
    dry: values.dry,
    allBranches: values["all-branches"],
    allCommits: values["all-commits"],
  };
  const result = remote
    ? await gcRemote({
        ...common,
        remote: remote === true ? undefined : remote,
        jobs: values.jobs === undefined ? undefined : integerOption("jobs", values.jobs, 1, 1),
      })
    : await gc(common);
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  const verb = values.dry ? "would remove" : "removed";
  const where = "remote" in report ? ` from ${report.remote}` : "";
  io.stdout(
    `${verb} ${report.removedObjects} objects (${megabytes(report.removedBytes)}) and ${report.removedRuns} run entries${where}; kept ${report.keptObjects} objects and ${report.keptRuns} run entries\n`,
  );
  return 0;
}
