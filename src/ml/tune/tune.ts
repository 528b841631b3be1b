// Hyperparameter search for one model type: TPE suggestions, k-fold CV on the training split (in parallel on
// worker threads), and the summary the train stage reads (metrics/tune.json) plus every trial for inspection.
import { type Direction, type MetricName, metricDirection } from "../metrics.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import type { SearchSpace } from "../params.js";
import { type KeyPath, suggestion } from "../params-file.js";
import { createEvaluator } from "./evaluator.js";
import { kFolds } from "./folds.js";
import type { ParamSet, ParamValue } from "./space.js";
import { bestTrial, runStudy, type Trial } from "./study.js";
import type { TuneSummary } from "./summary.js";
import type { TrialOutcome } from "./trial-setup.js";

export interface TuneRequest {
  data: TrainingSet;
  modelType: string;
  fixedParams: Record<string, unknown>;
  space: SearchSpace;
  metric: MetricName;
  trials: number;
  folds: number;
  jobs: number;
  seed: number;
  /** Seed of every model fit (CV folds and the final model alike). */
  modelSeed: number;
  startupTrials: number;
  candidates: number;
}

export interface TunedTrial extends Trial {
  scores: number[];
}

/** Runs (or, for a shard, fetches) one trial's evaluation; see shard.ts. The default just evaluates. */
export type TrialRunner = (
  number: number,
  params: ParamSet,
  evaluate: () => Promise<TrialOutcome>,
) => Promise<TrialOutcome>;

export async function tune(
  request: TuneRequest,
  onTrial?: (trial: Trial, best: Trial | undefined) => void,
  runTrial: TrialRunner = (_number, _params, evaluate) => evaluate(),
): Promise<TunedTrial[]> {
  const { data } = request;
  const folds = kFolds(
    data.rows,
    request.folds,
    request.seed,
    data.task === "classification" ? data.y : undefined,
  );
  const evaluator = createEvaluator(
    {
      data,
      folds,
      modelType: request.modelType,
      fixedParams: request.fixedParams,
      metric: request.metric,
      seed: request.modelSeed,
    },
    request.jobs,
  );
  const scores = new Map<number, number[]>();
  try {
    const trials = await runStudy(
      {
        space: request.space,
        trials: request.trials,
        jobs: request.jobs,
        seed: request.seed,
        direction: metricDirection(request.metric),
        startupTrials: request.startupTrials,
        candidates: request.candidates,
      },
      async (params, number) => {
        const outcome = await runTrial(number, params, () => evaluator.evaluate(params));
        scores.set(number, outcome.scores);
        return { value: outcome.value, std: outcome.std, seconds: outcome.seconds };
      },
      onTrial,
    );
    return trials.map((trial) => ({ ...trial, scores: scores.get(trial.number) ?? [] }));
  } finally {
    await evaluator.close();
  }
}

export function summarize(
  request: TuneRequest,
  trials: TunedTrial[],
  modelType: ModelType<unknown>,
): TuneSummary {
  const direction: Direction = metricDirection(request.metric);
  const best = bestTrial(trials, direction);
  if (!best) throw new Error("no trial produced a finite score");
  const bestAfter: Record<string, number> = {};
  for (const count of [10, 20, 40, 80, 160].filter((n) => n < trials.length).concat(trials.length)) {
    const upTo = bestTrial(trials.slice(0, count), direction);
    if (upTo) bestAfter[String(count)] = upTo.value;
  }
  return {
    modelType: request.modelType,
    metric: request.metric,
    direction,
    folds: request.folds,
    trials: trials.length,
    jobs: request.jobs,
    seed: request.seed,
    best: { trial: best.number + 1, cvMean: best.value, cvStd: best.std ?? 0, params: best.params },
    params: modelType.params.parse({ ...request.fixedParams, ...best.params }) as Record<string, unknown>,
    bestAfter,
  };
}

/** One flat record per trial, DVC-plots style: trial, CV mean/std/per fold, seconds, then the params. */
export function trialRecords(trials: TunedTrial[]): Record<string, ParamValue | number[]>[] {
  return trials.map((trial) => ({
    trial: trial.number + 1,
    cvMean: trial.value,
    cvStd: trial.std ?? 0,
    cvScores: trial.scores,
    seconds: Math.round(trial.seconds * 1000) / 1000,
    ...trial.params,
  }));
}

/**
 * Checks fixed params and every bound / choice of the search space against the model type's own schema before
 * any trial runs, so a typo fails at once with its params.yaml location.
 */
export function checkSearchSpace(
  modelType: ModelType<unknown>,
  fixedParams: Record<string, unknown>,
  space: SearchSpace,
): { path: KeyPath; message: string } | undefined {
  const known = Object.keys((modelType.params as { shape?: Record<string, unknown> }).shape ?? {});
  const problem = (params: Record<string, unknown>) => {
    const parsed = modelType.params.safeParse(params);
    if (parsed.success) return undefined;
    const issue = parsed.error.issues[0];
    if (issue?.code === "unrecognized_keys") {
      const key = issue.keys[0] as string;
      return {
        key,
        unknown: true,
        message: `"${key}" is not a param of model type "${modelType.name}"${suggestion(key, known)}`,
      };
    }
    return { key: String(issue?.path[0] ?? ""), unknown: false, message: issue?.message ?? "invalid" };
  };
  const fixed = problem(fixedParams);
  if (fixed) return { path: ["model", "params", fixed.key], message: fixed.message };
  for (const [name, param] of Object.entries(space)) {
    const values: ParamSet[string][] = param.type === "categorical" ? param.choices : [param.low, param.high];
    for (const value of values) {
      const found = problem({ ...fixedParams, [name]: value });
      if (found) {
        const message =
          found.key === name && !found.unknown ? `${JSON.stringify(value)}: ${found.message}` : found.message;
        return { path: ["tune", "space", modelType.name, name], message };
      }
    }
  }
  return undefined;
}
