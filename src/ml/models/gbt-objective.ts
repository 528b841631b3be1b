// The losses gradient boosting minimises, as XGBoost defines them: first and second derivatives of the loss in
// each raw score, the starting score, and how scores become predictions.
import type { TreeEnsemble } from "./tree-ensemble.js";

export interface Objective {
  name: "reg:squarederror" | "binary:logistic" | "multi:softprob";
  /** Raw scores per row: 1, or the number of classes for softmax. */
  outputs: number;
  postTransform: TreeEnsemble["postTransform"];
  /** Starting raw scores. `baseScore` as XGBoost reads it (a probability for logistic); null: from the data. */
  base(y: Float64Array, baseScore: number | null): number[];
  /** Fills gradient and hessian (rows × outputs) at the current raw scores (rows × outputs). */
  derivatives(scores: Float64Array, y: Float64Array, gradient: Float64Array, hessian: Float64Array): void;
  /**
   * One output: one row's gradient and hessian at raw score `score` into pairs[at] and pairs[at + 1] (the same
   * floats as `derivatives`), the layout of a histogram learner's channel values (derivativePairs).
   */
  derivativePair?: DerivativePair;
  /** Whether every hessian is 1. */
  unitHessian: boolean;
}

/** Objective.derivativePair: a function of its own, so that a caller's loop can take it as an argument. */
export type DerivativePair = (score: number, y: number, pairs: Float64Array, at: number) => void;

/** The gradient and hessian of rows [from, to) into pairs[2·i] and pairs[2·i + 1], by `pair`. */
export function derivativePairs(
  pair: DerivativePair,
  scores: Float64Array,
  y: Float64Array,
  pairs: Float64Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) pair(scores[i] as number, y[i] as number, pairs, i << 1);
}

const MIN_HESSIAN = 1e-16;

export function objectiveFor(task: "regression" | "classification", classCount: number): Objective {
  if (task === "regression") return squaredError;
  return classCount === 2 ? logistic : softmax(classCount);
}

const squaredError: Objective = {
  name: "reg:squarederror",
  outputs: 1,
  postTransform: "none",
  base: (y, baseScore) => [baseScore ?? mean(y)],
  derivatives(scores, y, gradient, hessian) {
    for (let i = 0; i < y.length; i++) {
      gradient[i] = (scores[i] as number) - (y[i] as number);
      hessian[i] = 1;
    }
  },
  derivativePair(score, y, pairs, at) {
    pairs[at] = score - y;
    pairs[at + 1] = 1;
  },
  unitHessian: true,
};

const logistic: Objective = {
  name: "binary:logistic",
  outputs: 1,
  postTransform: "logistic",
  base(y, baseScore) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, baseScore ?? mean(y)));
    return [Math.log(p / (1 - p))];
  },
  derivatives(scores, y, gradient, hessian) {
    for (let i = 0; i < y.length; i++) {
      const p = 1 / (1 + Math.exp(-(scores[i] as number)));
      gradient[i] = p - (y[i] as number);
      hessian[i] = Math.max(p * (1 - p), MIN_HESSIAN);
    }
  },
  derivativePair(score, y, pairs, at) {
    const p = 1 / (1 + Math.exp(-score));
    pairs[at] = p - y;
    pairs[at + 1] = Math.max(p * (1 - p), MIN_HESSIAN);
  },
  unitHessian: false,
};

function softmax(classCount: number): Objective {
  return {
    name: "multi:softprob",
    outputs: classCount,
    postTransform: "softmax",
    unitHessian: false,
    base(y, baseScore) {
      if (baseScore !== null) return new Array<number>(classCount).fill(baseScore);
      // Log class frequencies: the softmax of the base is the class prior.
      const counts = new Array<number>(classCount).fill(0);
      for (let i = 0; i < y.length; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
      return counts.map((count) => Math.log(Math.max(count / y.length, 1e-12)));
    },
    derivatives(scores, y, gradient, hessian) {
      const probabilities = new Float64Array(classCount);
      for (let i = 0; i < y.length; i++) {
        const offset = i * classCount;
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classCount; k++) max = Math.max(max, scores[offset + k] as number);
        let sum = 0;
        for (let k = 0; k < classCount; k++) {
          const e = Math.exp((scores[offset + k] as number) - max);
          probabilities[k] = e;
          sum += e;
        }
        for (let k = 0; k < classCount; k++) {
          const p = (probabilities[k] as number) / sum;
          gradient[offset + k] = p - (y[i] === k ? 1 : 0);
          hessian[offset + k] = Math.max(2 * p * (1 - p), MIN_HESSIAN);
        }
      }
    },
  };
}

// Indexed loops, not for…of: these run once per fit, mostly before V8 optimises them, and unoptimised for…of
// allocates a result object per element (10 MB of garbage for 200,000 rows).
function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}
