import { DEFAULT_KEEP_RUNS, gc } from "../../repro/index.js";
import { integerOption, parseCommandArgs, UsageError } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula gc [--keep-runs N] [--dry]

Removes cached objects that neither pipeline.lock nor a kept run-cache entry needs, and run-cache entries
beyond the N most recently used of each stage.

options:
      --keep-runs N   run-cache entries to keep per stage (default ${DEFAULT_KEEP_RUNS})
  -n, --dry           report what would be removed
  -C, --cwd DIR       the directory holding pipeline.yaml (default: .)
`;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("gc", args, {
    "keep-runs": { type: "string" },
    dry: { type: "boolean", short: "n" },
  });
  if (positionals.length > 0) throw new UsageError("gc takes no arguments");
  const result = await gc({
    cwd: values.cwd,
    keepRuns: integerOption("keep-runs", values["keep-runs"], DEFAULT_KEEP_RUNS),
    dry: values.dry,
  });
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  const report = result.value;
  const verb = values.dry ? "would remove" : "removed";
  process.stdout.write(
    `${verb} ${report.removedObjects} objects (${megabytes(report.removedBytes)}) and ${report.removedRuns} run entries; kept ${report.keptObjects} objects and ${report.keptRuns} run entries\n`,
  );
  return 0;
}
