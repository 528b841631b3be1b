import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ForestParams, forest } from "../../../src/ml/models/forest.js";
import type { FitOptions, TrainingSet } from "../../../src/ml/models/model-type.js";
import { TrainingSetError } from "../../../src/ml/models/training-set.js";
import {
  compactLeafSamples,
  compactRight,
  leafIndex,
  leftChild,
  predictOutputs,
  rightsOfOffsets,
  Tree,
  TreeEnsembleSchema,
  thresholdAt,
  thresholdsOfBins,
} from "../../../src/ml/models/tree-ensemble.js";
import { argmaxRows, friedman, meanSquaredError, sectors, variance } from "./synthetic.js";

const fit = (data: TrainingSet, params: Partial<ForestParams> = {}, options: FitOptions = { seed: 1 }) =>
  forest.fit(data, forest.params.parse(params), options);

test("same seed → byte-identical JSON; another seed → another forest", async () => {
  const data = friedman(150, 3);
  const a = JSON.stringify(await fit(data, { n_estimators: 8 }, { seed: 9 }));
  const b = JSON.stringify(await fit(data, { n_estimators: 8 }, { seed: 9 }));
  const c = JSON.stringify(await fit(data, { n_estimators: 8 }, { seed: 10 }));
  assert.is(a, b);
  assert.is.not(a, c);
});

test("threads = 1 and threads = 2 give identical forests (regression and classification)", async () => {
  const regression = friedman(120, 4);
  const classification = sectors(120, 3, 4);
  for (const data of [regression, classification]) {
    const params = { n_estimators: 7, max_features: 0.5 } as const;
    const one = JSON.stringify(await fit(data, params, { seed: 5, threads: 1 }));
    const two = JSON.stringify(await fit(data, params, { seed: 5, threads: 2 }));
    assert.is(one, two, data.task);
  }
});

test("the output is a valid tree ensemble averaging its trees", async () => {
  const model = await fit(friedman(60, 5), { n_estimators: 3 });
  TreeEnsembleSchema.parse(JSON.parse(JSON.stringify(model)));
  assert.is(model.modelType, "forest");
  assert.is(model.aggregate, "average");
  assert.is(model.trees.length, 3);
  assert.equal(model.base, [0]);
  assert.is(model.classes, undefined);
});

test("learns Friedman #1: test MSE far below the target variance", async () => {
  const train = friedman(400, 11, { noise: 1 });
  const test = friedman(200, 12);
  const model = await fit(train, { n_estimators: 30 });
  const mse = meanSquaredError(predictOutputs(model, test.x), test.y);
  assert.ok(mse < 0.25 * variance(test.y), `test MSE ${mse} vs variance ${variance(test.y)}`);
  const importance = model.featureImportance ?? [];
  assert.ok(Math.abs(importance.reduce((a, b) => a + b, 0) - 1) < 1e-9, "importance sums to 1");
  assert.ok(
    (importance[3] as number) > 3 * (importance[5] as number),
    "x3 matters more than the noise column",
  );
});

test("one unbagged tree reproduces its training targets: thresholds split float32 values as training did", async () => {
  // Values packed as close as float32 allows (adjacent representable numbers), where a float64 midpoint would
  // not be representable and a careless rounding would send a row to the wrong side.
  const base = 1 + 2 ** -23;
  const values = Array.from({ length: 40 }, (_, i) => Math.fround(base + i * 2 ** -23));
  const rows = values.length;
  const x = new Float32Array(rows * 2);
  const y = new Float64Array(rows);
  values.forEach((v, i) => {
    x[i * 2] = v;
    x[i * 2 + 1] = i % 3;
    y[i] = i;
  });
  const data: TrainingSet = { task: "regression", x, rows, features: ["v", "m"], y };
  const model = await fit(data, { n_estimators: 1, bootstrap: false });
  const tree = model.trees[0];
  assert.ok(tree);
  for (const t of tree.threshold) assert.is(Math.fround(t), t, "threshold is float32-representable");
  assert.equal(
    Array.from(predictOutputs(model, x)),
    Array.from(y),
    "every training row lands in its own leaf",
  );
  // `samples` counts the rows routed to each node with float32 comparisons.
  const counts = new Array<number>(tree.feature.length).fill(0);
  for (let i = 0; i < rows; i++) {
    let node = 0;
    counts[0] = (counts[0] as number) + 1;
    while ((tree.feature[node] as number) >= 0) {
      const f = tree.feature[node] as number;
      node =
        (x[i * 2 + f] as number) <= (tree.threshold[node] as number)
          ? leftChild(tree, node)
          : (tree.right[node] as number);
      counts[node] = (counts[node] as number) + 1;
    }
  }
  assert.equal(counts, Array.from(tree.samples ?? []));
});

test("missing values (NaN) sort last in training and go right at prediction, as NaN <= t is false", async () => {
  const rows = 30;
  const x = new Float32Array(rows);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = i % 3 === 0 ? Number.NaN : i;
    y[i] = i % 3 === 0 ? 100 : i;
  }
  const data: TrainingSet = { task: "regression", x, rows, features: ["v"], y };
  const model = await fit(data, { n_estimators: 1, bootstrap: false });
  assert.equal(Array.from(predictOutputs(model, x)), Array.from(y));
  // Above the largest value seen, a row shares the leaf of the missing values (both sort after it).
  assert.equal(Array.from(predictOutputs(model, Float32Array.of(Number.NaN, 28.7, 1e9))), [100, 29, 100]);
});

test("constant features leave a single leaf holding the mean", async () => {
  const data: TrainingSet = {
    task: "regression",
    x: new Float32Array(20).fill(3),
    rows: 10,
    features: ["a", "b"],
    y: Float64Array.from({ length: 10 }, (_, i) => i),
  };
  const model = await fit(data, { n_estimators: 2, bootstrap: false });
  for (const tree of model.trees) assert.equal(Array.from(tree.value), [4.5]);
  assert.equal(model.featureImportance, [0, 0]);
});

test("max_depth, min_samples_leaf and min_samples_split bound the trees", async () => {
  const data = friedman(200, 6);
  const depthOf = (tree: Tree, node = 0): number =>
    (tree.feature[node] as number) < 0
      ? 0
      : 1 + Math.max(depthOf(tree, leftChild(tree, node)), depthOf(tree, tree.right[node] as number));
  const shallow = await fit(data, { n_estimators: 3, max_depth: 3 });
  for (const tree of shallow.trees) assert.ok(depthOf(tree) <= 3);
  const leafy = await fit(data, { n_estimators: 3, min_samples_leaf: 10, bootstrap: false });
  for (const tree of leafy.trees)
    tree.feature.forEach((f, node) => {
      if (f < 0) assert.ok((tree.samples?.[node] as number) >= 10, "every leaf holds at least 10 rows");
    });
  const split = await fit(data, { n_estimators: 3, min_samples_split: 50, bootstrap: false });
  for (const tree of split.trees)
    tree.feature.forEach((f, node) => {
      if (f >= 0) assert.ok((tree.samples?.[node] as number) >= 50, "only nodes with 50+ rows split");
    });
});

test("classification: class probabilities in the leaves, summing to 1, that separate the classes", async () => {
  for (const classes of [2, 4]) {
    const train = sectors(300, classes, 21);
    const test = sectors(200, classes, 22);
    const model = await fit(train, { n_estimators: 15 });
    assert.is(model.outputs, classes);
    assert.is(model.postTransform, "none");
    assert.equal(model.classes, train.classes);
    for (const tree of model.trees)
      for (let node = 0; node < tree.nodes; node++) {
        const value = tree.value.subarray(node * classes, (node + 1) * classes);
        assert.ok(Math.abs(value.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      }
    const probabilities = predictOutputs(model, test.x);
    for (let i = 0; i < test.rows; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12, "probabilities sum to 1");
    }
    const predicted = argmaxRows(probabilities, classes);
    const accuracy = predicted.filter((label, i) => label === test.y[i]).length / test.rows;
    assert.ok(accuracy > 0.9, `${classes} classes: accuracy ${accuracy}`);
  }
});

test("bad training sets are refused with a reason", async () => {
  const data = friedman(10, 1);
  const cases: [TrainingSet, RegExp][] = [
    [{ ...data, y: data.y.subarray(0, 5) }, /one per row/],
    [{ ...data, x: data.x.subarray(1) }, /rows × features/],
    [{ ...data, y: Float64Array.from(data.y, (v, i) => (i === 3 ? Number.NaN : v)) }, /row 3/],
    [{ ...sectors(10, 2, 1), classes: ["only"] }, /at least 2/],
    [{ ...sectors(10, 2, 1), y: new Float64Array(10).fill(2) }, /class index of row 0 is 2/],
  ];
  for (const [bad, message] of cases) {
    try {
      await fit(bad, { n_estimators: 1 });
      assert.unreachable("should have refused");
    } catch (error) {
      assert.instance(error, TrainingSetError);
      assert.match((error as Error).message, message);
    }
  }
});

test("a forest's trees keep their leaves' counts only, and give the same samples (also once cloned)", async () => {
  for (const tree_method of ["hist", "exact"] as const) {
    const ensemble = await fit(friedman(300, 3), { n_estimators: 2, tree_method });
    for (const tree of ensemble.trees) {
      assert.type(Object.getOwnPropertyDescriptor(tree, "samples")?.get, "function", tree_method);
      const samples = tree.samples as Float32Array;
      for (let node = 0; node < tree.nodes; node++)
        if ((tree.feature[node] as number) >= 0)
          assert.is(
            samples[node],
            (samples[leftChild(tree, node)] as number) + (samples[tree.right[node] as number] as number),
          );
      assert.equal(Array.from(structuredClone(tree).samples ?? []), Array.from(samples));
    }
  }
});

test("compactLeafSamples: none for counts that are not whole bytes or not their children's sums", () => {
  const feature = Int8Array.from([0, -1, -1]);
  const right = Int32Array.from([2, -1, -1]);
  assert.equal(Array.from(compactLeafSamples(feature, right, Float32Array.from([5, 2, 3])) ?? []), [0, 2, 3]);
  assert.is(compactLeafSamples(feature, right, Float32Array.from([5.5, 2.5, 3])), undefined);
  assert.is(compactLeafSamples(feature, right, Float32Array.from([300, 44, 256])), undefined);
  assert.is(compactLeafSamples(feature, right, Float32Array.from([6, 2, 3])), undefined);
  assert.is(compactLeafSamples(feature, right, Float64Array.from([5, 2, 3])), undefined);
});

test("a histogram forest's trees keep their thresholds as bins, and give the same thresholds (also once cloned)", async () => {
  const data = friedman(300, 3);
  const hist = await fit(data, { n_estimators: 2, tree_method: "hist" });
  const exact = await fit(data, { n_estimators: 1, tree_method: "exact" });
  assert.type(Object.getOwnPropertyDescriptor(exact.trees[0], "threshold")?.value, "object");
  for (const tree of hist.trees) {
    assert.type(Object.getOwnPropertyDescriptor(tree, "threshold")?.get, "function");
    const threshold = tree.threshold;
    for (let node = 0; node < tree.nodes; node++) {
      if ((tree.feature[node] as number) < 0) assert.is(threshold[node], 0);
      else assert.is(thresholdAt(tree, node), threshold[node]);
    }
    const clone = structuredClone(tree);
    assert.equal(Array.from(clone.threshold), Array.from(threshold));
    assert.is(clone.splitBins, undefined, "the bins stay with the tree; the clone has the thresholds");
  }
  assert.equal(predictOutputs(hist, data.x), predictOutputs(structuredClone(hist), data.x));
});

test("thresholdsOfBins: a cut point per inner node, 0 at leaves, NaN for a bin past the cut points", () => {
  const cuts = [Float32Array.from([0.5, 1.5]), Float32Array.from([-2])];
  const thresholds = thresholdsOfBins(
    Int8Array.from([1, 0, -1, -1, 0]),
    Uint8Array.from([0, 1, 0, 0, 2]),
    cuts,
  );
  assert.equal(Array.from(thresholds), [-2, 1.5, 0, 0, Number.NaN]);
});

/** A left comb in pre-order: inner nodes 0 … m − 1 (each one's left child the next), then m + 1 leaves. */
function leftComb(m: number) {
  const nodes = 2 * m + 1;
  const feature = new Int8Array(nodes).fill(-1);
  const right = new Int32Array(nodes).fill(-1);
  for (let i = 0; i < m; i++) {
    feature[i] = 0;
    right[i] = 2 * m - i;
  }
  return { feature, right, nodes };
}

test("compactRight: offsets, far right children near the root, and none when too many are far", () => {
  const { feature, right, nodes } = leftComb(32_000);
  const compact = compactRight(feature, right);
  assert.ok(compact !== undefined && compact.farRights.length > 0 && compact.farRights.length <= 4096);
  assert.equal(rightsOfOffsets(feature, compact.rightOffsets, compact.farRights), right);
  const value = Float64Array.from({ length: nodes }, (_, n) => n);
  const threshold = Float32Array.from({ length: nodes }, (_, n) => (feature[n] === 0 ? -n : 0));
  const plain = new Tree({ feature, threshold, right, value });
  const held = new Tree({ feature, threshold, value, ...compact });
  assert.equal(held.right, right);
  for (const x of [0.5, -10, -20_000, -31_999.5, -40_000])
    assert.is(leafIndex(held, [x]), leafIndex(plain, [x]), `x = ${x}`);
  assert.is(compactRight(leftComb(40_000).feature, leftComb(40_000).right), undefined);
});

test.run();
