// The seeded sample of training rows the tuner searches on when tune.max_rows is set.
import { sampleIndices } from "../data/split.js";
import type { TrainingSet } from "../models/model-type.js";
import { subset } from "./training-set.js";

/**
 * At most `maxRows` rows of a training set, drawn with `seed` (stratified by class for classification, so each class
 * keeps its share), in their original order; the set itself when it has no more rows than that.
 */
export function sampleRows(data: TrainingSet, maxRows: number, seed: number): TrainingSet {
  if (data.rows <= maxRows) return data;
  const sampled = sampleIndices(
    data.rows,
    maxRows,
    seed,
    data.task === "classification" ? data.y : undefined,
  );
  return subset(data, sampled);
}
