// Plot data on a big test split stays small: per-row plots hold a seeded sample, ROC curves a bounded number of
// points; a small split keeps every row and every distinct score.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TreeEnsemble } from "../../src/ml/models/tree-ensemble.js";
import { evaluationPlots, PLOT_ROWS, rocCurve } from "../../src/ml/plots.js";
import { createRandom } from "../../src/ml/random.js";

const ensemble = { featureNames: ["a"], trees: [], featureImportance: [1] } as unknown as TreeEnsemble;

function regression(rows: number) {
  const actual = Float64Array.from({ length: rows }, (_, i) => i);
  const predicted = Float64Array.from({ length: rows }, (_, i) => i + 0.5);
  return evaluationPlots({ task: "regression", actual, predicted }, ensemble);
}

test("a big split's predicted-vs-actual and residuals: the same seeded sample of PLOT_ROWS rows", () => {
  const plots = regression(50_000);
  const scatter = plots["predicted-vs-actual"] ?? [];
  assert.is(scatter.length, PLOT_ROWS);
  assert.is(plots.residuals?.length, PLOT_ROWS);
  scatter.forEach((point, k) => {
    assert.is(point.predicted, (point.actual as number) + 0.5);
    assert.is(plots.residuals?.[k]?.predicted, point.predicted);
    assert.is(plots.residuals?.[k]?.residual, -0.5);
  });
  assert.equal(regression(50_000)["predicted-vs-actual"], scatter, "deterministic");
});

test("a small split keeps every row, in order", () => {
  const scatter = regression(100)["predicted-vs-actual"] ?? [];
  assert.equal(
    scatter.map((point) => point.actual),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test("ROC: every distinct score on a small split; about a thousand points, same ends, on a big one", () => {
  const small = rocCurve([0.9, 0.8, 0.8, 0.3], [true, false, true, false]);
  assert.equal(
    small.map((point) => point.threshold),
    [1, 0.9, 0.8, 0.3],
  );
  const random = createRandom(3, 1);
  const positive = Array.from({ length: 200_000 }, () => random.next() < 0.3);
  const scores = positive.map((p) => (p ? 0.2 : 0) + 0.8 * random.next());
  const big = rocCurve(scores, positive);
  assert.ok(big.length > 500 && big.length <= 2001, `${big.length} points`);
  assert.equal([big[0]?.fpr, big[0]?.tpr], [0, 0]);
  assert.equal([big.at(-1)?.fpr, big.at(-1)?.tpr], [1, 1]);
  assert.ok(
    big.every(
      (point, k) => k === 0 || (point.fpr >= (big[k - 1]?.fpr ?? 0) && point.tpr >= (big[k - 1]?.tpr ?? 0)),
    ),
  );
});

test.run();
