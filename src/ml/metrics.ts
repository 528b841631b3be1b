// Model quality metrics, shared by cross-validation in the tuner, the evaluate stage and notebooks.
// Regression: mse, rmse, mae, r2. Classification: accuracy, f1 (binary: the second class is positive;
// multiclass: macro average), roc_auc (binary; multiclass: macro one-vs-rest), log_loss.
import { unreachable } from "../result.js";

export const REGRESSION_METRICS = ["mse", "rmse", "mae", "r2"] as const;
export const CLASSIFICATION_METRICS = ["accuracy", "f1", "roc_auc", "log_loss"] as const;
export const METRIC_NAMES = [...REGRESSION_METRICS, ...CLASSIFICATION_METRICS] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type Direction = "minimize" | "maximize";

export type Predictions =
  | { task: "regression"; actual: ArrayLike<number>; predicted: ArrayLike<number> }
  | {
      task: "classification";
      /** Class indices. */
      actual: ArrayLike<number>;
      /** n × classes probabilities, row-major. */
      probabilities: ArrayLike<number>;
      classes: number;
    };

export function metricTask(name: MetricName): "regression" | "classification" {
  return (REGRESSION_METRICS as readonly string[]).includes(name) ? "regression" : "classification";
}

export function metricDirection(name: MetricName): Direction {
  switch (name) {
    case "mse":
    case "rmse":
    case "mae":
    case "log_loss":
      return "minimize";
    case "r2":
    case "accuracy":
    case "f1":
    case "roc_auc":
      return "maximize";
    default:
      return unreachable(name);
  }
}

/** Whether `candidate` is strictly better than `incumbent` in `direction`. */
export function isBetter(candidate: number, incumbent: number, direction: Direction): boolean {
  return direction === "minimize" ? candidate < incumbent : candidate > incumbent;
}

/** Every metric of the task, in the canonical order. */
export function computeMetrics(predictions: Predictions): Partial<Record<MetricName, number>> {
  const names = predictions.task === "regression" ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
  const result: Partial<Record<MetricName, number>> = {};
  for (const name of names) result[name] = computeMetric(name, predictions);
  return result;
}

export function computeMetric(name: MetricName, predictions: Predictions): number {
  if (predictions.task === "regression") {
    const { actual, predicted } = predictions;
    switch (name) {
      case "mse":
        return meanSquaredError(actual, predicted);
      case "rmse":
        return Math.sqrt(meanSquaredError(actual, predicted));
      case "mae":
        return meanAbsoluteError(actual, predicted);
      case "r2":
        return r2Score(actual, predicted);
      default:
        throw new Error(`"${name}" is a classification metric; the task is regression`);
    }
  }
  const { actual, probabilities, classes } = predictions;
  switch (name) {
    case "accuracy":
      return accuracy(actual, predictedClasses(probabilities, classes));
    case "f1":
      return f1Score(actual, predictedClasses(probabilities, classes), classes);
    case "roc_auc":
      return rocAuc(actual, probabilities, classes);
    case "log_loss":
      return logLoss(actual, probabilities, classes);
    default:
      throw new Error(`"${name}" is a regression metric; the task is classification`);
  }
}

export function meanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += ((actual[i] as number) - (predicted[i] as number)) ** 2;
  return sum / actual.length;
}

export function meanAbsoluteError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs((actual[i] as number) - (predicted[i] as number));
  return sum / actual.length;
}

export function r2Score(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i] as number;
  mean /= actual.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    residual += ((actual[i] as number) - (predicted[i] as number)) ** 2;
    total += ((actual[i] as number) - mean) ** 2;
  }
  return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
}

/** Argmax per row (the first class wins ties). */
export function predictedClasses(probabilities: ArrayLike<number>, classes: number): Int32Array {
  const n = Math.floor(probabilities.length / classes);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if ((probabilities[i * classes + k] as number) > (probabilities[i * classes + best] as number))
        best = k;
    labels[i] = best;
  }
  return labels;
}

export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

/** counts[actual * classes + predicted]. */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number) {
  const counts = new Int32Array(classes * classes);
  for (let i = 0; i < actual.length; i++)
    counts[(actual[i] as number) * classes + (predicted[i] as number)] =
      (counts[(actual[i] as number) * classes + (predicted[i] as number)] as number) + 1;
  return counts;
}

export function f1Score(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number {
  const counts = confusionMatrix(actual, predicted, classes);
  const f1Of = (k: number): number => {
    let truePositives = 0;
    let predictedPositives = 0;
    let actualPositives = 0;
    for (let j = 0; j < classes; j++) {
      predictedPositives += counts[j * classes + k] as number;
      actualPositives += counts[k * classes + j] as number;
    }
    truePositives = counts[k * classes + k] as number;
    const denominator = predictedPositives + actualPositives;
    return denominator === 0 ? 0 : (2 * truePositives) / denominator;
  };
  if (classes === 2) return f1Of(1);
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += f1Of(k);
  return sum / classes;
}

/** Area under the ROC curve of `scores` for `positive` (Mann–Whitney U with average ranks for ties). */
export function binaryAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[start] as number])
      end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (positive[order[i] as number]) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function rocAuc(actual: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): number {
  const n = actual.length;
  const aucFor = (k: number): number => {
    const scores = new Float64Array(n);
    const positive: boolean[] = new Array(n);
    for (let i = 0; i < n; i++) {
      scores[i] = probabilities[i * classes + k] as number;
      positive[i] = actual[i] === k;
    }
    return binaryAuc(scores, positive);
  };
  if (classes === 2) return aucFor(1);
  let sum = 0;
  let counted = 0;
  for (let k = 0; k < classes; k++) {
    const auc = aucFor(k);
    if (!Number.isNaN(auc)) {
      sum += auc;
      counted++;
    }
  }
  return counted === 0 ? Number.NaN : sum / counted;
}

export function logLoss(
  actual: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: number,
): number {
  const eps = 1e-15;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const p = probabilities[i * classes + (actual[i] as number)] as number;
    sum -= Math.log(Math.min(Math.max(p, eps), 1 - eps));
  }
  return sum / actual.length;
}
