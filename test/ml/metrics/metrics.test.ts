// Reference values computed with scikit-learn 1.x (sklearn.metrics) on the same inputs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { binaryAuc, computeMetrics, isBetter, metricDirection, metricTask } from "../../../src/ml/metrics.js";

const close = (actual: number | undefined, expected: number, label: string) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) < 1e-12,
    `${label}: ${actual} vs ${expected}`,
  );

test("regression metrics match scikit-learn", () => {
  const metrics = computeMetrics({
    task: "regression",
    actual: [3, -0.5, 2, 7, 4.2],
    predicted: [2.5, 0, 2, 8, 3.9],
  });
  assert.equal(Object.keys(metrics), ["mse", "rmse", "mae", "r2"]);
  close(metrics.mse, 0.318, "mse");
  close(metrics.rmse, Math.sqrt(0.318), "rmse");
  close(metrics.mae, 0.46, "mae");
  close(metrics.r2, 0.9480256276150627, "r2");
});

test("binary classification metrics match scikit-learn (ties in scores included)", () => {
  const positive = [0.1, 0.9, 0.4, 0.4, 0.8, 0.6, 0.4, 0.7];
  const metrics = computeMetrics({
    task: "classification",
    actual: [0, 1, 1, 0, 1, 0, 1, 1],
    probabilities: positive.flatMap((p) => [1 - p, p]),
    classes: 2,
  });
  close(metrics.roc_auc, 0.8, "roc_auc");
  close(metrics.log_loss, 0.5062796682446313, "log_loss");
  close(metrics.f1, 0.6666666666666665, "f1");
  close(metrics.accuracy, 0.625, "accuracy");
});

test("multiclass: macro one-vs-rest AUC, macro F1, log loss", () => {
  const metrics = computeMetrics({
    task: "classification",
    actual: [0, 1, 2, 2, 1, 0],
    probabilities: [
      0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.4, 0.3, 0.3, 0.3, 0.4, 0.5, 0.25, 0.25,
    ],
    classes: 3,
  });
  close(metrics.roc_auc, 0.875, "roc_auc");
  close(metrics.log_loss, 0.776956756246081, "log_loss");
  close(metrics.f1, 0.6666666666666666, "f1");
  close(metrics.accuracy, 0.6666666666666666, "accuracy");
});

test("AUC is undefined with one class, 1 when perfectly ranked", () => {
  assert.ok(Number.isNaN(binaryAuc([0.1, 0.2], [true, true])));
  assert.is(binaryAuc([0.1, 0.2, 0.9], [false, false, true]), 1);
});

test("directions and tasks", () => {
  assert.is(metricDirection("mse"), "minimize");
  assert.is(metricDirection("roc_auc"), "maximize");
  assert.is(metricTask("log_loss"), "classification");
  assert.ok(isBetter(1, 2, "minimize") && !isBetter(2, 2, "minimize") && isBetter(0.9, 0.8, "maximize"));
});

test.run();
