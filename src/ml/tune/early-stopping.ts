// Early stopping of boosting rounds inside a CV fold, as XGBoost's `early_stopping_rounds`: after every round the
// fold's held-out rows are scored with the trees so far, and boosting stops once the validation loss (the
// learner's own objective: squared error, log loss, softmax cross-entropy) has not improved for `patience` rounds.
// The loss after every round is kept, so CV can pick one round count for all folds (cross-validate.ts). It hooks
// the learner's round loop (FitOptions.afterRound) and leaves tree growing alone.
import type { FitOptions, TrainingSet } from "../models/model-type.js";
import { leafIndex, type Tree, type TreeEnsemble } from "../models/tree-ensemble.js";

export interface EarlyStopping {
  afterRound: NonNullable<FitOptions["afterRound"]>;
  /** Rounds seen so far; 0 when the learner has no rounds (e.g. a forest). */
  rounds(): number;
  /** The round count (1-based) with the lowest validation loss. */
  bestRounds(): number;
  /** The validation loss after each round so far. */
  curve(): number[];
}

export function earlyStopping(validation: TrainingSet, patience: number): EarlyStopping {
  const { rows, x, y } = validation;
  const width = validation.features.length;
  let scores: Float64Array | undefined;
  let outputs = 0;
  let round = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestRound = 0;
  const losses: number[] = [];
  return {
    afterRound(trees, base) {
      if (!scores) {
        outputs = base.length;
        scores = new Float64Array(rows * outputs);
        for (let i = 0; i < rows; i++)
          for (let k = 0; k < outputs; k++) scores[i * outputs + k] = base[k] ?? 0;
      }
      addTrees(trees, x, width, scores, outputs);
      round++;
      const loss = validationLoss(validation.task, scores, y, outputs);
      losses.push(loss);
      if (loss < best) {
        best = loss;
        bestRound = round;
      }
      return round - bestRound >= patience ? "stop" : undefined;
    },
    rounds: () => round,
    bestRounds: () => bestRound,
    curve: () => [...losses],
  };
}

/**
 * The round count with the lowest mean validation loss across folds (xgboost.cv's choice), within the rounds every
 * fold reached; one count for all folds, so the CV score is not each fold's own best (an optimistic pick).
 */
export function sharedBestRounds(curves: number[][]): number {
  const horizon = Math.min(...curves.map((curve) => curve.length));
  let best = Number.POSITIVE_INFINITY;
  let rounds = 1;
  for (let r = 0; r < horizon; r++) {
    const mean = curves.reduce((sum, curve) => sum + (curve[r] as number), 0) / curves.length;
    if (mean < best) {
      best = mean;
      rounds = r + 1;
    }
  }
  return rounds;
}

/** The ensemble as it stood after `rounds` boosting rounds (its trees are stored round by round). */
export function truncateRounds(ensemble: TreeEnsemble, rounds: number): TreeEnsemble {
  return { ...ensemble, trees: ensemble.trees.slice(0, rounds * ensemble.outputs) };
}

function addTrees(
  trees: Tree[],
  x: Float32Array,
  width: number,
  scores: Float64Array,
  outputs: number,
): void {
  const rows = scores.length / outputs;
  for (const tree of trees) {
    for (let i = 0; i < rows; i++) {
      const leaf = leafIndex(tree, x, i * width) * outputs;
      for (let k = 0; k < outputs; k++)
        scores[i * outputs + k] = (scores[i * outputs + k] as number) + (tree.value[leaf + k] as number);
    }
  }
}

/** Mean loss of raw scores: squared error (regression), log loss (one logistic output), softmax cross-entropy. */
export function validationLoss(
  task: TrainingSet["task"],
  scores: Float64Array,
  y: Float64Array,
  outputs: number,
): number {
  const rows = y.length;
  let total = 0;
  if (task === "regression") {
    for (let i = 0; i < rows; i++) total += ((scores[i] as number) - (y[i] as number)) ** 2;
    return total / rows;
  }
  if (outputs === 1) {
    for (let i = 0; i < rows; i++) {
      const margin = scores[i] as number;
      // log(1 + e^-m) for the positive class, log(1 + e^m) for the negative, computed without overflow.
      const z = y[i] === 1 ? -margin : margin;
      total += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return total / rows;
  }
  for (let i = 0; i < rows; i++) {
    const offset = i * outputs;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < outputs; k++) max = Math.max(max, scores[offset + k] as number);
    let sum = 0;
    for (let k = 0; k < outputs; k++) sum += Math.exp((scores[offset + k] as number) - max);
    total += max + Math.log(sum) - (scores[offset + (y[i] as number)] as number);
  }
  return total / rows;
}
