import { resolve } from "node:path";
import { commit } from "../../repro/index.js";
import { type CommandIo, parseCommandArgs, processIo } from "../command.js";
import { exitCodeFor } from "../exit-code.js";
import { printError } from "../output.js";

export const help = `usage: tabula commit [stage...]

Records the current deps, params and outputs of the stages (default: all) in pipeline.lock without running
them, e.g. after a cosmetic change to a dependency. Outputs are filed in the cache and run cache.

options:
  -C, --cwd DIR   the directory holding pipeline.yaml (default: .)
`;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("commit", args, {});
  const result = await commit({ cwd: resolve(io.cwd, values.cwd ?? "."), stages: positionals });
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  for (const stage of result.value.committed) io.stdout(`${stage}: committed\n`);
  if (result.value.committed.length === 0) io.stdout("nothing to commit: the lock is up to date\n");
  return 0;
}
