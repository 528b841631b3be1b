// What every trial evaluation needs, shared by the in-process evaluator and the worker threads (it crosses the
// thread boundary as workerData, so it holds only structured-cloneable values).
import type { MetricName } from "../metrics.js";
import { getModelType } from "../models/index.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import { crossValidate } from "./cross-validate.js";
import type { Fold } from "./folds.js";
import type { ParamSet } from "./space.js";

export interface TrialSetup {
  data: TrainingSet;
  folds: Fold[];
  modelType: string;
  /** Fixed params from params.yaml; each trial's params override them. */
  fixedParams: Record<string, unknown>;
  metric: MetricName;
  seed: number;
}

export interface TrialOutcome {
  value: number;
  std: number;
  scores: number[];
  seconds: number;
}

export function resolveModelType(name: string): ModelType<unknown> {
  const found = getModelType(name);
  if (!found.ok) throw new Error(found.error.message);
  return found.modelType;
}

export async function runTrial(
  setup: TrialSetup,
  modelType: ModelType<unknown>,
  params: ParamSet,
): Promise<TrialOutcome> {
  const started = performance.now();
  const score = await crossValidate(
    setup.data,
    setup.folds,
    modelType,
    { ...setup.fixedParams, ...params },
    setup.metric,
    setup.seed,
  );
  return {
    value: score.mean,
    std: score.std,
    scores: score.scores,
    seconds: (performance.now() - started) / 1000,
  };
}
