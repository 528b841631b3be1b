import { test } from "uvu";
import * as assert from "uvu/assert";
import { type GbtParams, gbt } from "../../../src/ml/models/gbt.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { leftChild, predictOutputs, TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { argmaxRows, friedman, meanSquaredError, sectors, variance } from "./synthetic.js";

const fit = (data: TrainingSet, params: Partial<GbtParams> = {}, seed = 1) =>
  gbt.fit(data, gbt.params.parse(params), { seed });

const nodeCount = (model: { trees: { feature: ArrayLike<number> }[] }) =>
  model.trees.reduce((sum, tree) => sum + tree.feature.length, 0);

test("same seed → byte-identical JSON, with row and column sampling; another seed → another model", async () => {
  const data = friedman(150, 3);
  const params = { n_estimators: 10, subsample: 0.7, colsample_bytree: 0.6, colsample_bynode: 0.5 };
  const a = JSON.stringify(await fit(data, params, 4));
  assert.is(a, JSON.stringify(await fit(data, params, 4)));
  assert.is.not(a, JSON.stringify(await fit(data, params, 5)));
});

test("a stump's leaves are −η·G/(H+λ) around the mean base score", async () => {
  // y = 0 for x < 0.5, 10 otherwise: the first split separates the halves exactly.
  const rows = 20;
  const x = Float32Array.from({ length: rows }, (_, i) => i / rows);
  const y = Float64Array.from({ length: rows }, (_, i) => (i < 10 ? 0 : 10));
  const data: TrainingSet = { task: "regression", x, rows, features: ["x"], y };
  const model = await fit(data, { n_estimators: 1, max_depth: 1, learning_rate: 0.5, lambda: 2 });
  assert.equal(model.base, [5]);
  const tree = model.trees[0];
  assert.ok(tree);
  assert.is(tree.feature[0], 0);
  assert.ok((tree.threshold[0] as number) >= 0.45 && (tree.threshold[0] as number) < 0.5);
  // Left: 10 rows with gradient (5 − 0) = 5 each → G = 50, H = 10 → −0.5 · 50 / 12.
  assert.ok(Math.abs((tree.value[leftChild(tree, 0)] as number) - (-0.5 * 50) / 12) < 1e-12);
  assert.ok(Math.abs((tree.value[tree.right[0] as number] as number) - (0.5 * 50) / 12) < 1e-12);
  assert.equal(
    Array.from(tree.samples ?? []),
    [20, 10, 10],
    "samples are hessian sums (rows, for squared error)",
  );
});

test("learns Friedman #1 far better than the mean, and better with more rounds", async () => {
  const train = friedman(400, 11, { noise: 1 });
  const test = friedman(200, 12);
  const few = meanSquaredError(predictOutputs(await fit(train, { n_estimators: 5 }), test.x), test.y);
  const model = await fit(train, { n_estimators: 60, max_depth: 3, learning_rate: 0.2 });
  TreeEnsembleSchema.parse(JSON.parse(JSON.stringify(model)));
  const mse = meanSquaredError(predictOutputs(model, test.x), test.y);
  assert.ok(mse < 0.1 * variance(test.y), `test MSE ${mse} vs variance ${variance(test.y)}`);
  assert.ok(mse < few, `${mse} with 60 rounds vs ${few} with 5`);
  const importance = model.featureImportance ?? [];
  assert.ok(Math.abs(importance.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok((importance[3] as number) > 3 * (importance[5] as number));
});

test("gamma prunes weak splits, lambda and min_child_weight shrink the trees", async () => {
  const data = friedman(200, 7, { noise: 2 });
  const plain = await fit(data, { n_estimators: 5 });
  const pruned = await fit(data, { n_estimators: 5, gamma: 50 });
  assert.ok(nodeCount(pruned) < nodeCount(plain), `${nodeCount(pruned)} < ${nodeCount(plain)}`);
  const heavy = await fit(data, { n_estimators: 5, min_child_weight: 30 });
  assert.ok(nodeCount(heavy) < nodeCount(plain));
  for (const tree of heavy.trees)
    tree.feature.forEach((f, node) => {
      if (f < 0) assert.ok((tree.samples?.[node] as number) >= 30);
    });
  const leafMagnitude = (model: typeof plain) =>
    Math.max(...Array.from(model.trees[0]?.value ?? [], (v) => Math.abs(v)));
  assert.ok(leafMagnitude(await fit(data, { n_estimators: 1, lambda: 100 })) < leafMagnitude(plain));
});

test("binary classification: one logistic output, probabilities summing to 1", async () => {
  const train = sectors(300, 2, 31, { flip: 0.05 });
  const test = sectors(200, 2, 32);
  const model = await fit(train, { n_estimators: 30, max_depth: 3 });
  assert.is(model.outputs, 1);
  assert.is(model.postTransform, "logistic");
  assert.is(model.aggregate, "sum");
  const positives = train.y.reduce((a, b) => a + b, 0) / train.rows;
  assert.ok(
    Math.abs((model.base[0] as number) - Math.log(positives / (1 - positives))) < 1e-12,
    "base: log-odds",
  );
  const probabilities = predictOutputs(model, test.x);
  assert.is(probabilities.length, test.rows * 2);
  for (let i = 0; i < test.rows; i++)
    assert.ok(Math.abs((probabilities[2 * i] as number) + (probabilities[2 * i + 1] as number) - 1) < 1e-12);
  const accuracy = argmaxRows(probabilities, 2).filter((label, i) => label === test.y[i]).length / test.rows;
  assert.ok(accuracy > 0.9, `accuracy ${accuracy}`);
});

test("multiclass: one softmax output per class, one tree per class per round", async () => {
  const classes = 4;
  const train = sectors(300, classes, 41);
  const test = sectors(200, classes, 42);
  const model = await fit(train, { n_estimators: 15, max_depth: 3 });
  assert.is(model.outputs, classes);
  assert.is(model.postTransform, "softmax");
  assert.is(model.trees.length, 15 * classes);
  model.trees.forEach((tree, t) => {
    tree.value.forEach((v, at) => {
      if (at % classes !== t % classes) assert.is(v, 0, "a class's tree only feeds its own score");
    });
  });
  const probabilities = predictOutputs(model, test.x);
  for (let i = 0; i < test.rows; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  const accuracy =
    argmaxRows(probabilities, classes).filter((label, i) => label === test.y[i]).length / test.rows;
  assert.ok(accuracy > 0.85, `accuracy ${accuracy}`);
});

test.run();
