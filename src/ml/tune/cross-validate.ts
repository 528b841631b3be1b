// Cross-validated score of one set of model params: fit on k-1 folds, score the held-out fold, k times. With early
// stopping, boosting in each fold stops once that fold's held-out loss stops improving, and every fold is scored
// at the one round count with the lowest mean held-out loss (what the final fit then uses).
import { subset } from "../features/training-set.js";
import { computeMetric, type MetricName } from "../metrics.js";
import type { ModelType, TrainingSet } from "../models/model-type.js";
import { predictionsFor } from "../predictions.js";
import { type EarlyStopping, earlyStopping, sharedBestRounds, truncateRounds } from "./early-stopping.js";
import type { Fold } from "./folds.js";

export interface CvScore {
  mean: number;
  /** Population standard deviation across folds (as scikit-learn reports it). */
  std: number;
  scores: number[];
  /** The boosting rounds every fold was scored at; absent without early stopping or for learners without rounds. */
  rounds?: number;
}

export async function crossValidate(
  data: TrainingSet,
  folds: Fold[],
  modelType: ModelType<unknown>,
  params: unknown,
  metric: MetricName,
  seed: number,
  /** Rounds without improvement of the fold's validation loss before boosting stops; null: no early stopping. */
  earlyStoppingRounds: number | null = null,
): Promise<CvScore> {
  const parsed = modelType.params.parse(params);
  const fits = [];
  for (const fold of folds) {
    const held = subset(data, fold.test);
    const stopping = earlyStoppingRounds === null ? undefined : earlyStopping(held, earlyStoppingRounds);
    const ensemble = await modelType.fit(subset(data, fold.train), parsed, {
      seed,
      threads: 1,
      ...(stopping ? { afterRound: stopping.afterRound } : {}),
    });
    fits.push({ ensemble, held, stopping });
  }
  const stopped = fits.every((fit) => fit.stopping && fit.stopping.rounds() > 0);
  const rounds = stopped
    ? sharedBestRounds(fits.map((fit) => (fit.stopping as EarlyStopping).curve()))
    : undefined;
  const scores = fits.map(({ ensemble, held }) =>
    computeMetric(
      metric,
      predictionsFor(rounds === undefined ? ensemble : truncateRounds(ensemble, rounds), held),
    ),
  );
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / scores.length);
  return rounds === undefined ? { mean, std, scores } : { mean, std, scores, rounds };
}
