// Cross-validated score of one set of model params: fit on k-1 folds, score the held-out fold, k times.
import { subset } from "../features/training-set.js";
import { computeMetric, type MetricName } from "../metrics.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import { predictionsFor } from "../predictions.js";
import type { Fold } from "./folds.js";

export interface CvScore {
  mean: number;
  /** Population standard deviation across folds (as scikit-learn reports it). */
  std: number;
  scores: number[];
}

export async function crossValidate(
  data: TrainingSet,
  folds: Fold[],
  modelType: ModelType<unknown>,
  params: unknown,
  metric: MetricName,
  seed: number,
): Promise<CvScore> {
  const parsed = modelType.params.parse(params);
  const scores: number[] = [];
  for (const fold of folds) {
    const ensemble = await modelType.fit(subset(data, fold.train), parsed, { seed, threads: 1 });
    scores.push(computeMetric(metric, predictionsFor(ensemble, subset(data, fold.test))));
  }
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / scores.length);
  return { mean, std, scores };
}
