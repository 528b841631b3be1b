// Evaluates trials either in this thread (jobs = 1) or on a pool of `jobs` worker threads. Which thread runs a
// trial never changes its result: the model is seeded and fitted single-threaded in both cases.
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { MlFailure } from "../errors.js";
import type { ParamSet } from "./space.js";
import { runTrial, type TrialOutcome, type TrialSetup, type WorkerTrialOutcome } from "./trial-setup.js";

export interface Evaluator {
  evaluate(params: ParamSet): Promise<TrialOutcome>;
  close(): Promise<void>;
}

export function createEvaluator(setup: TrialSetup, jobs: number): Evaluator {
  if (jobs <= 1) return { evaluate: (params) => runTrial(setup, params), close: async () => {} };
  // Under tsx the worker is the .ts source; in a bundle it sits next to this module as .js.
  const here = fileURLToPath(import.meta.url);
  const filename = here.replace(/evaluator\.(ts|js)$/, (_, ext) => `trial-worker.${ext}`);
  const pool = new Piscina({
    filename,
    workerData: setup,
    minThreads: jobs,
    maxThreads: jobs,
    idleTimeout: 60_000,
    execArgv: workerExecArgv(),
  });
  return {
    evaluate: async (params) => {
      const answer = (await pool.run(params)) as WorkerTrialOutcome;
      if ("failure" in answer) throw new MlFailure(answer.failure);
      return answer.outcome;
    },
    close: () => pool.destroy(),
  };
}

/**
 * Workers inherit the process's loader flags (e.g. `--import tsx`), but resolve bare specifiers from the current
 * directory; resolving them here from this module keeps workers starting wherever the process has chdir'd to.
 */
function workerExecArgv(): string[] {
  const args = [...process.execArgv];
  for (let i = 0; i < args.length - 1; i++) {
    const specifier = args[i + 1] as string;
    const bare = !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.includes(":");
    if ((args[i] === "--import" || args[i] === "--loader") && bare)
      args[i + 1] = import.meta.resolve(specifier);
  }
  return args;
}
