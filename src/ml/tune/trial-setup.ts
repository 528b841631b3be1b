// What every trial evaluation needs, shared by the in-process evaluator and the worker threads (it crosses the
// thread boundary as workerData, so it holds only structured-cloneable values).
import type { MlError } from "../errors.js";
import type { MetricName } from "../metrics.js";
import { getModelType } from "../models/index.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import { splitBranch } from "./conditional.js";
import { crossValidate } from "./cross-validate.js";
import type { Fold } from "./folds.js";
import type { ParamSet } from "./space.js";

export interface TrialSetup {
  data: TrainingSet;
  folds: Fold[];
  /** The model type trials fit, unless a trial names its own (`model_type`, under `model.type: auto`). */
  modelType: string;
  /** Fixed params from params.yaml; each trial's params override them. */
  fixedParams: Record<string, unknown>;
  /** Under `model.type: auto`: the fixed params of each model type a trial may pick. */
  fixedParamsByType?: Record<string, Record<string, unknown>>;
  metric: MetricName;
  seed: number;
  /** Early stopping of boosting rounds in each fold (see early-stopping.ts); null or absent: off. */
  earlyStoppingRounds?: number | null;
}

export interface TrialOutcome {
  value: number;
  std: number;
  scores: number[];
  seconds: number;
  /** With early stopping: the boosting rounds CV chose (learners with rounds only). */
  rounds?: number;
}

/** What a worker thread answers for one trial (a wire format between threads). */
export type WorkerTrialOutcome = { outcome: TrialOutcome } | { failure: MlError };

export function resolveModelType(name: string): ModelType<unknown> {
  const found = getModelType(name);
  if (!found.ok) throw new Error(found.error.message);
  return found.value;
}

export async function runTrial(setup: TrialSetup, params: ParamSet): Promise<TrialOutcome> {
  const started = performance.now();
  const trial = splitBranch(params, setup.modelType);
  const fixed = setup.fixedParamsByType?.[trial.branch] ?? setup.fixedParams;
  const score = await crossValidate(
    setup.data,
    setup.folds,
    resolveModelType(trial.branch),
    { ...fixed, ...trial.params },
    setup.metric,
    setup.seed,
    setup.earlyStoppingRounds ?? null,
  );
  return {
    value: score.mean,
    std: score.std,
    scores: score.scores,
    seconds: (performance.now() - started) / 1000,
    ...(score.rounds ? { rounds: score.rounds } : {}),
  };
}
