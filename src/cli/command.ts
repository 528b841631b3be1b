import { type ParseArgsConfig, parseArgs } from "node:util";
import { type CommandIo, processIo } from "./command-io.js";
import { colors } from "./output.js";

export { type CommandIo, processIo };

/** What each file in src/cli/commands/ exports. `run` returns the process exit code. */
export interface CommandModule {
  help: string;
  run(args: string[], io?: CommandIo): Promise<number>;
}

/** An entry of the dispatcher's table: the summary is here so `tabula --help` loads no command. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

export class UsageError extends Error {}

/** A command that cannot do what was asked, for a reason the user can act on: `who: message` on stderr, exit 1. */
export function refuse(io: CommandIo, message: string, who = "tabula"): number {
  io.stderr(`${colors.red(`${who}:`)} ${message}\n`);
  return 1;
}

/** Runs a command's body; a UsageError becomes its message and the help text on stderr, and exit code 2. */
export async function withUsage(
  command: string,
  help: string,
  io: CommandIo,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`tabula ${command}: ${error.message}\n\n${help}`);
      return 2;
    }
    throw error;
  }
}

/** The options of the commands that read the prediction log (`monitor`, `log export`). */
export const predictionLogOptions = {
  log: { type: "string" },
  model: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  version: { type: "string" },
  out: { type: "string" },
} as const satisfies Options;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
export const commonOptions = {
  cwd: { type: "string", short: "C" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** node:util parseArgs with the common options; unknown options become a UsageError naming the command. */
export function parseCommandArgs<const T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({
      args,
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun \`tabula ${command} --help\` for usage.`);
  }
}

export function integerOption(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min)
    throw new UsageError(`--${name} must be an integer >= ${min}`);
  return parsed;
}
