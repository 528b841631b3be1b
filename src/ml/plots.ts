// Plot data for metrics/plots/, DVC-plots style: one JSON array of flat records per plot.
// Regression: predicted vs actual, residuals. Classification: ROC (per class when multiclass), confusion counts.
// Both: feature importance. Plots stay readable and small on a big test split: the per-row plots hold a seeded
// sample of at most PLOT_ROWS rows, an ROC curve at most about ROC_STEPS points.
import { sampleIndices } from "./data/split.js";
import { confusionMatrix, type Predictions, predictedClasses } from "./metrics.js";
import type { TreeEnsemble } from "./models/tree-ensemble.js";

/** Rows of a per-row plot (predicted vs actual, residuals): a scatter of more is one blot, and megabytes of JSON. */
export const PLOT_ROWS = 5000;
const PLOT_SEED = 0x706c6f74;
/** An ROC curve keeps a point once it has moved this share of the axis since the last one kept. */
const ROC_STEPS = 1000;

export type PlotRecord = Record<string, number | string>;
export type Plots = Record<string, PlotRecord[]>;

export function evaluationPlots(
  predictions: Predictions,
  ensemble: TreeEnsemble,
  classes: (string | number)[] = [],
): Plots {
  const plots: Plots = {};
  if (predictions.task === "regression") {
    const { actual, predicted } = predictions;
    const rows = sampleIndices(actual.length, PLOT_ROWS, PLOT_SEED);
    plots["predicted-vs-actual"] = rows.map((i) => ({
      actual: actual[i] as number,
      predicted: predicted[i] as number,
    }));
    plots.residuals = rows.map((i) => ({
      predicted: predicted[i] as number,
      residual: (actual[i] as number) - (predicted[i] as number),
    }));
  } else {
    const { actual, probabilities, classes: k } = predictions;
    const label = (index: number) => classes[index] ?? index;
    const positives = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
    plots.roc = positives.flatMap((c) =>
      rocCurve(
        Array.from(actual, (_, i) => probabilities[i * k + c] as number),
        Array.from(actual, (value) => value === c),
      ).map((point) => ({ class: label(c), ...point })),
    );
    const counts = confusionMatrix(actual, predictedClasses(probabilities, k), k);
    plots.confusion = [];
    for (let a = 0; a < k; a++)
      for (let p = 0; p < k; p++)
        plots.confusion.push({ actual: label(a), predicted: label(p), count: counts[a * k + p] as number });
  }
  plots["feature-importance"] = splitCountImportance(ensemble)
    .map((importance, j) => ({ feature: ensemble.featureNames[j] as string, importance }))
    .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1));
  return plots;
}

/**
 * ROC points from the highest threshold down: one point per distinct score, plus the origin; on a big test split,
 * a point only once the curve has moved 1/ROC_STEPS of an axis since the last point (and always the last one).
 */
export function rocCurve(
  scores: number[],
  positive: boolean[],
): { fpr: number; tpr: number; threshold: number }[] {
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const totalPositive = positive.filter(Boolean).length;
  const totalNegative = positive.length - totalPositive;
  const points = [{ fpr: 0, tpr: 0, threshold: 1 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i] as number;
    if (positive[row]) tp++;
    else fp++;
    const next = order[i + 1];
    if (next !== undefined && scores[next] === scores[row]) continue;
    const point = {
      fpr: totalNegative === 0 ? 0 : fp / totalNegative,
      tpr: totalPositive === 0 ? 0 : tp / totalPositive,
      threshold: scores[row] as number,
    };
    const last = points[points.length - 1] as { fpr: number; tpr: number };
    const moved = Math.max(point.fpr - last.fpr, point.tpr - last.tpr);
    if (next === undefined || moved >= 1 / ROC_STEPS) points.push(point);
  }
  return points;
}

/**
 * The learner's importance if it recorded one; otherwise the share of splits on each feature, each split weighted by
 * the rows it saw (a count, not the impurity decrease of models/feature-importance.ts's impurityImportance).
 */
export function splitCountImportance(ensemble: TreeEnsemble): number[] {
  if (ensemble.featureImportance) return ensemble.featureImportance;
  const totals = new Array<number>(ensemble.featureNames.length).fill(0);
  for (const tree of ensemble.trees) {
    // Read once: a forest's trees make their samples anew on every read (Tree.samples).
    const samples = tree.samples;
    tree.feature.forEach((feature, node) => {
      if (feature >= 0) totals[feature] = (totals[feature] as number) + (samples?.[node] ?? 1);
    });
  }
  const sum = totals.reduce((a, b) => a + b, 0);
  return totals.map((total) => (sum === 0 ? 0 : total / sum));
}
