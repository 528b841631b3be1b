import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  fitMlRandomForest,
  type MlRandomForestParams,
  mlRandomForest,
} from "../../../src/ml/models/ml-random-forest.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { predictOutputs, TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { friedman, sectors } from "./synthetic.js";

const fit = (data: TrainingSet, params: Partial<MlRandomForestParams>, seed = 3) =>
  fitMlRandomForest(data, mlRandomForest.params.parse(params), { seed });

const rowsOf = (data: { x: Float32Array; rows: number }, width: number) =>
  Array.from({ length: data.rows }, (_, i) => Array.from(data.x.subarray(i * width, (i + 1) * width)));

// Rows between and on the training values: the conversion of `<` to `<=` is tested at the boundaries.
function probeRows(data: TrainingSet, extra: number, seed: number): { x: Float32Array; rows: number } {
  const probe = friedman(extra, seed, { extra: data.features.length - 5 });
  const x = new Float32Array(data.x.length + probe.x.length);
  x.set(data.x);
  x.set(probe.x, data.x.length);
  return { x, rows: data.rows + extra };
}

test("regression: our prediction on the converted trees equals ml-random-forest's, bit for bit", () => {
  const data = friedman(80, 1);
  // 8 trees: averaging multiplies by 1/8, exact in binary, like ml-random-forest's division by 8.
  const { model, ensemble } = fit(data, { n_estimators: 8, max_features: 0.7 });
  TreeEnsembleSchema.parse(JSON.parse(JSON.stringify(ensemble)));
  const probe = probeRows(data, 100, 2);
  const ours = Array.from(predictOutputs(ensemble, probe.x));
  assert.equal(ours, model.predict(rowsOf(probe, data.features.length)));
  for (const tree of ensemble.trees) for (const t of tree.threshold) assert.is(Math.fround(t), t);
});

test("splits between adjacent float32 values (midpoints round to either neighbour) convert exactly", () => {
  const rows = 64;
  const x = new Float32Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i * 2] = Math.fround(1 + (i + 1) * 2 ** -23);
    x[i * 2 + 1] = i % 5;
    y[i] = (i * 7) % 13;
  }
  const data: TrainingSet = { task: "regression", x, rows, features: ["tight", "mod"], y };
  const { model, ensemble } = fit(data, { n_estimators: 4, min_num_samples: 1 });
  assert.equal(Array.from(predictOutputs(ensemble, x)), model.predict(rowsOf(data, 2)));
});

test("regression with a tree count that is not a power of two: equal up to the last bit of the average", () => {
  const data = friedman(60, 4);
  const { model, ensemble } = fit(data, { n_estimators: 10, max_features: 3 });
  const probe = probeRows(data, 50, 5);
  const theirs = model.predict(rowsOf(probe, data.features.length));
  predictOutputs(ensemble, probe.x).forEach((value, i) => {
    const expected = theirs[i] as number;
    assert.ok(
      Math.abs(value - expected) <= 4 * Number.EPSILON * Math.abs(expected),
      `${value} vs ${expected}`,
    );
  });
});

test("classification: vote shares whose arg-max is ml-random-forest's prediction", () => {
  const classes = 3;
  const data = sectors(120, classes, 6, { flip: 0.1 });
  const { model, ensemble } = fit(data, { n_estimators: 16 });
  assert.is(ensemble.outputs, classes);
  const probe = sectors(150, classes, 7);
  const probabilities = predictOutputs(ensemble, probe.x);
  const predicted = model.predict(rowsOf(probe, 3));
  let compared = 0;
  for (let i = 0; i < probe.rows; i++) {
    const shares = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (const share of shares) assert.ok(Number.isInteger(share * 16), "a share of 16 votes");
    const top = Math.max(...shares);
    if (shares.filter((share) => share === top).length > 1) continue; // ties: the mode's tie-break is by order
    assert.is(shares.indexOf(top), predicted[i], `row ${i}`);
    compared++;
  }
  assert.ok(compared > 100);
});

test("the model type fits through the common interface, with feature importance", async () => {
  const data = friedman(60, 8);
  const ensemble = await mlRandomForest.fit(data, mlRandomForest.params.parse({ n_estimators: 4 }), {
    seed: 1,
  });
  assert.is(ensemble.modelType, "ml-random-forest");
  assert.is(ensemble.trees.length, 4);
  const importance = ensemble.featureImportance ?? [];
  assert.ok(Math.abs(importance.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  for (const tree of ensemble.trees) assert.is(tree.samples?.[0], 60, "the root sees every training row");
  const again = await mlRandomForest.fit(data, mlRandomForest.params.parse({ n_estimators: 4 }), { seed: 1 });
  assert.is(JSON.stringify(again), JSON.stringify(ensemble), "seeded: same JSON");
});

test.run();
