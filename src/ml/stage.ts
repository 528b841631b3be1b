// The one place where a stage's errors become output and an exit code: an MlError prints as a single line a user
// can act on (exit 1); anything else is a bug and keeps its stack trace (exit 2). On success the stage's summary
// is printed as one line with its duration.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formatError, MlFailure } from "./errors.js";

/**
 * Runs a stage when its file is the program (`node --import tsx stages/x.ts`); when a test imports the file, only
 * its exported body is used.
 */
export async function runStageIfMain(
  moduleUrl: string,
  name: string,
  body: () => Promise<string> | string,
): Promise<void> {
  const script = process.argv[1];
  if (script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl) await runStage(name, body);
}

export async function runStage(name: string, body: () => Promise<string> | string): Promise<void> {
  const started = performance.now();
  try {
    const summary = await body();
    const seconds = (performance.now() - started) / 1000;
    console.log(`${name}: ${summary} (${seconds.toFixed(1)} s)`);
  } catch (error) {
    if (error instanceof MlFailure) {
      console.error(`${name}: ${formatError(error.error)}`);
      process.exitCode = 1;
      return;
    }
    console.error(`${name}: internal error`);
    console.error(error);
    process.exitCode = 2;
  }
}
