// Runs a CLI command in this process the way a test reads it: through its `io`, not by patching process.stdout.
import type { CommandIo } from "../../src/cli/command.js";

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(
  run: (args: string[], io: CommandIo) => Promise<number>,
  args: string[],
  cwd = process.cwd(),
): Promise<CommandRun> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
