// The one place where a stage's errors become output and an exit code: an MlError (an MlFailure thrown anywhere
// below, learners included) prints as a single line a user can act on, located in params.yaml where it came from
// there (exit 1); anything else is a bug and keeps its stack trace (exit 2). On success the stage's summary
// is printed as one line with its duration.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formatError, type MlError, MlFailure } from "./errors.js";
import { ParamsFile } from "./params-file.js";

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
      console.error(`${name}: ${formatError(locatedInParams(error.error))}`);
      process.exitCode = 1;
      return;
    }
    console.error(`${name}: internal error`);
    console.error(error);
    process.exitCode = 2;
  }
}

/**
 * A learner's complaint about one of its params, pointed at the params.yaml line the value came from: the fixed
 * param (model.params.<key>, or under auto model.params.<type>.<key>) or else its search range (tune.space).
 */
export function locatedInParams(error: MlError, paramsPath = "params.yaml"): MlError {
  if (error.kind !== "model-params") return error;
  const file = ParamsFile.read(paramsPath);
  if (!file.ok) return error;
  const places = [
    ["model", "params", error.key],
    ["model", "params", error.modelType, error.key],
    ["tune", "space", error.modelType, error.key],
  ];
  const place = places.find((path) => file.value.get(path) !== undefined);
  return place ? file.value.error(place, error.message) : error;
}
