import { commit } from "../../repro/index.js";
import { parseCommandArgs } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula commit [stage...]

Records the current deps, params and outputs of the stages (default: all) in pipeline.lock without running
them, e.g. after a cosmetic change to a dependency. Outputs are filed in the cache and run cache.

options:
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("commit", args, {});
  const result = await commit({ cwd: values.cwd, stages: positionals });
  if (!result.ok) {
    printError(result.error);
    return exitCodeFor(result.error);
  }
  for (const stage of result.value.committed) process.stdout.write(`${stage}: committed\n`);
  if (result.value.committed.length === 0)
    process.stdout.write("nothing to commit: the lock is up to date\n");
  return 0;
}
