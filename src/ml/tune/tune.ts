// Hyperparameter search for one model type, or over several (`model.type: auto`, a conditional space): TPE
// suggestions, (repeated) k-fold CV on the training split (in parallel on worker threads), optionally with early
// stopping of boosting rounds in each fold, and the summary the train stage reads (metrics/tune.json) plus every
// trial for inspection.
import { type Direction, type MetricName, metricDirection } from "../metrics.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import type { SearchSpace } from "../params.js";
import { type KeyPath, suggestion } from "../params-file.js";
import { BRANCH_KEY, splitBranch } from "./conditional.js";
import { createEvaluator } from "./evaluator.js";
import { repeatedKFolds } from "./folds.js";
import { defaultPoint, type ParamSet, type ParamValue } from "./space.js";
import { bestTrial, runStudy, type Trial } from "./study.js";
import type { TuneSummary } from "./summary.js";
import { resolveModelType, type TrialOutcome } from "./trial-setup.js";

/** One model type's share of an `auto` search. */
export interface ModelBranch {
  fixedParams: Record<string, unknown>;
  space: SearchSpace;
}

export interface TuneRequest {
  data: TrainingSet;
  /** A model type's name, or "auto" (then `branches` holds the model types searched over). */
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
  /** Under "auto": per model type, its fixed params and search space; `fixedParams` and `space` are unused. */
  branches?: Record<string, ModelBranch>;
  /** k-fold CV repeated with reshuffled folds (small data); 1 when absent. */
  repeats?: number;
  /** Early stopping of boosting rounds in each fold; null or absent: off. */
  earlyStoppingRounds?: number | null;
  /** The first trial of each model type is its learner's defaults (within the space); absent: false. */
  startWithDefaults?: boolean;
}

export interface TunedTrial extends Trial {
  scores: number[];
  /** With early stopping: the boosting rounds CV chose. */
  rounds?: number;
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
  const folds = repeatedKFolds(
    data.rows,
    request.folds,
    request.repeats ?? 1,
    request.seed,
    data.task === "classification" ? data.y : undefined,
  );
  const branches = request.branches;
  const evaluator = createEvaluator(
    {
      data,
      folds,
      modelType: request.modelType,
      fixedParams: request.fixedParams,
      ...(branches
        ? {
            fixedParamsByType: Object.fromEntries(
              Object.entries(branches).map(([type, branch]) => [type, branch.fixedParams]),
            ),
          }
        : {}),
      metric: request.metric,
      seed: request.modelSeed,
      earlyStoppingRounds: request.earlyStoppingRounds ?? null,
    },
    request.jobs,
  );
  const outcomes = new Map<number, TrialOutcome>();
  try {
    const trials = await runStudy(
      {
        space: request.space,
        ...(branches
          ? {
              branches: Object.fromEntries(
                Object.entries(branches).map(([type, branch]) => [type, branch.space]),
              ),
            }
          : {}),
        ...(request.startWithDefaults ? { initial: defaultTrials(request) } : {}),
        trials: request.trials,
        jobs: request.jobs,
        seed: request.seed,
        direction: metricDirection(request.metric),
        startupTrials: request.startupTrials,
        candidates: request.candidates,
      },
      async (params, number) => {
        const outcome = await runTrial(number, params, () => evaluator.evaluate(params));
        outcomes.set(number, outcome);
        return { value: outcome.value, std: outcome.std, seconds: outcome.seconds };
      },
      onTrial,
    );
    return trials.map((trial) => {
      const outcome = outcomes.get(trial.number);
      return {
        ...trial,
        scores: outcome?.scores ?? [],
        ...(outcome?.rounds === undefined ? {} : { rounds: outcome.rounds }),
      };
    });
  } finally {
    await evaluator.close();
  }
}

/** One trial per model type at its learner's defaults (fixed params applied), clamped into its search space. */
export function defaultTrials(request: TuneRequest): ParamSet[] {
  const defaultsOf = (type: string, fixed: Record<string, unknown>) =>
    resolveModelType(type).params.parse(fixed) as Record<string, unknown>;
  if (!request.branches)
    return [defaultPoint(request.space, defaultsOf(request.modelType, request.fixedParams))];
  return Object.entries(request.branches).map(([type, branch]) => ({
    [BRANCH_KEY]: type,
    ...defaultPoint(branch.space, defaultsOf(type, branch.fixedParams)),
  }));
}

export function summarize(request: TuneRequest, trials: TunedTrial[]): TuneSummary {
  const direction: Direction = metricDirection(request.metric);
  const best = bestTrial(trials, direction) as TunedTrial | undefined;
  if (!best) throw new Error("no trial produced a finite score");
  const chosen = splitBranch(best.params, request.modelType);
  const modelType = resolveModelType(chosen.branch);
  const fixedParams = request.branches?.[chosen.branch]?.fixedParams ?? request.fixedParams;
  const rounds = best.rounds;
  return {
    modelType: chosen.branch,
    ...(request.branches ? { searched: Object.keys(request.branches) } : {}),
    metric: request.metric,
    direction,
    folds: request.folds,
    ...(request.repeats && request.repeats > 1 ? { repeats: request.repeats } : {}),
    trials: trials.length,
    jobs: request.jobs,
    seed: request.seed,
    best: {
      trial: best.number + 1,
      cvMean: best.value,
      cvStd: best.std ?? 0,
      ...(rounds === undefined ? {} : { rounds }),
    },
    params: modelType.params.parse({
      ...fixedParams,
      ...chosen.params,
      ...(rounds === undefined ? {} : { n_estimators: rounds }),
    }) as Record<string, unknown>,
    ...(request.earlyStoppingRounds ? { earlyStoppingRounds: request.earlyStoppingRounds } : {}),
  };
}

/** One flat record per trial, DVC-plots style: trial, CV mean/std/per fold, seconds, then the params. */
export function trialRecords(trials: TunedTrial[]): Record<string, ParamValue | number[]>[] {
  return trials.map((trial) => ({
    trial: trial.number + 1,
    cvMean: trial.value,
    cvStd: trial.std ?? 0,
    cvScores: trial.scores,
    ...(trial.rounds === undefined ? {} : { cvRounds: trial.rounds }),
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
  /** Where the fixed params sit in params.yaml (under auto: model.params.<type>). */
  fixedAt: KeyPath = ["model", "params"],
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
  if (fixed) return { path: [...fixedAt, fixed.key], message: fixed.message };
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
