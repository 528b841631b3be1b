// A study: suggest params with the TPE, evaluate them `jobs` at a time, repeat until the budget is spent.
// Reproducible for a given seed and jobs: every trial in a batch is suggested from the same history (the trials
// of earlier batches) with its own random stream (seed, trial number), so timing never changes what is tried.
import type { Direction } from "../metrics.js";
import type { SearchSpace } from "../params.js";
import { createRandom } from "../random.js";
import { type Branches, branchedSuggester, flatSuggester } from "./conditional.js";
import type { ParamSet } from "./space.js";
import type { Observation } from "./tpe.js";

export interface TrialResult {
  /** The objective (e.g. the mean CV score); NaN marks a failed trial, which the sampler ignores. */
  value: number;
  /** Spread of the objective across folds, when there are folds. */
  std?: number;
  /** Wall time of the evaluation. */
  seconds: number;
}

export interface Trial extends TrialResult {
  number: number;
  params: ParamSet;
}

export interface StudyOptions {
  space: SearchSpace;
  /** A conditional space instead of `space`: each trial picks a branch (conditional.ts), then its params. */
  branches?: Branches;
  /** Params of the first trials, tried as given before any suggestion (e.g. the learner's defaults). */
  initial?: ParamSet[];
  trials: number;
  jobs: number;
  seed: number;
  direction: Direction;
  startupTrials: number;
  candidates: number;
}

export type Evaluate = (params: ParamSet, number: number) => Promise<TrialResult> | TrialResult;

export async function runStudy(
  options: StudyOptions,
  evaluate: Evaluate,
  onTrial?: (trial: Trial, best: Trial | undefined) => void,
): Promise<Trial[]> {
  const suggestParams = options.branches
    ? branchedSuggester(options.branches, options)
    : flatSuggester(options.space, options);
  const trials: Trial[] = [];
  let best: Trial | undefined;
  const sign = options.direction === "minimize" ? 1 : -1;
  while (trials.length < options.trials) {
    const history: Observation[] = trials.map((trial) => ({
      params: trial.params,
      loss: sign * trial.value,
    }));
    const batchSize = Math.min(options.jobs, options.trials - trials.length);
    const batch = Array.from({ length: batchSize }, (_, k) => {
      const number = trials.length + k;
      const params = options.initial?.[number] ?? suggestParams(history, createRandom(options.seed, number));
      return { number, params };
    });
    const finished = await Promise.all(
      batch.map(async ({ number, params }) => {
        const result = await evaluate(params, number);
        const trial: Trial = { number, params, ...result };
        if (isImprovement(trial, best, sign)) best = trial;
        onTrial?.(trial, best);
        return trial;
      }),
    );
    // Recorded in trial order, whatever order they finished in.
    trials.push(...finished);
    best = bestTrial(trials, options.direction);
  }
  return trials;
}

function isImprovement(trial: Trial, best: Trial | undefined, sign: number): boolean {
  if (!Number.isFinite(trial.value)) return false;
  return best === undefined || sign * trial.value < sign * best.value;
}

/** The best finished trial (the earliest among equals). */
export function bestTrial(trials: Trial[], direction: Direction): Trial | undefined {
  const sign = direction === "minimize" ? 1 : -1;
  let best: Trial | undefined;
  for (const trial of [...trials].sort((a, b) => a.number - b.number))
    if (isImprovement(trial, best, sign)) best = trial;
  return best;
}
