import { test } from "uvu";
import * as assert from "uvu/assert";
import { forest } from "../../../src/ml/models/forest.js";
import { type GbtParams, gbt } from "../../../src/ml/models/gbt.js";
import { binColumns, MISSING_BIN } from "../../../src/ml/models/hist/bin-mapper.js";
import { binOf } from "../../../src/ml/models/hist/bin-rows.js";
import {
  addHistTreeScores,
  growHistTree,
  HistWorkspace,
  MIN_HISTOGRAM_BUDGET,
} from "../../../src/ml/models/hist/grow-tree.js";
import { serialExecutor } from "../../../src/ml/models/hist/level-executor.js";
import { resolveTreeMethod } from "../../../src/ml/models/hist/tree-method.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { leafIndex, predictOutputs, TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { toTree } from "../../../src/ml/models/tree-json.js";
import { createRandom } from "../../../src/ml/random.js";
import { argmaxRows, friedman, meanSquaredError, sectors, variance } from "./synthetic.js";

const fit = (data: TrainingSet, params: Partial<GbtParams> = {}, seed = 1) =>
  gbt.fit(data, gbt.params.parse(params), { seed });

test("bins: few distinct values get one bin each, and bin <= b is exactly x <= thresholds[b]", () => {
  const values = [3, 1, 2, 2, 5, Number.NaN, 1, 4, -0.5];
  const binned = binColumns(Float32Array.from(values), values.length, 1);
  const cuts = binned.thresholds[0] as Float32Array;
  assert.is(cuts.length, 5, "6 distinct values → 5 cut points");
  values.forEach((x, i) => {
    const bin = binned.bins[i] as number;
    if (Number.isNaN(x)) assert.is(bin, MISSING_BIN);
    else
      for (let b = 0; b < cuts.length; b++)
        assert.is(bin <= b, x <= (cuts[b] as number), `x=${x}, bin ${bin}, cut ${b}`);
  });
  assert.is(binOf(cuts, 100), 5, "above every cut: the last value bin");
});

test("bins: the table binning matches a binary search on every value (signs, zeros, infinities, a narrow range), row- and column-major", () => {
  const rows = 20_000;
  const features = 4;
  const random = createRandom(9);
  const x = new Float32Array(rows * features);
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e38, -1e-30];
  for (let i = 0; i < rows; i++) {
    x[i * features] = random.next() * 2 - 1;
    x[i * features + 1] = Math.floor(random.next() * 7) - 3;
    const pick = random.next();
    x[i * features + 2] =
      pick < 0.3
        ? (specials[Math.floor(random.next() * specials.length)] as number)
        : (random.next() - 0.5) * 1e30;
    x[i * features + 3] = 1 + random.next() * 1e-5; // ~80 float32s: one prefix of the table holds them all
  }
  const binned = binColumns(x, rows, features, { sampleRows: 5000, seed: 2 });
  for (let i = 0; i < rows; i++)
    for (let f = 0; f < features; f++) {
      const value = x[i * features + f] as number;
      const expected = Number.isNaN(value) ? MISSING_BIN : binOf(binned.thresholds[f] as Float32Array, value);
      assert.is(binned.bins[i * features + f], expected, `row ${i}, feature ${f}, x=${value}`);
      assert.is(binned.columns[f * rows + i], expected, `column-major: row ${i}, feature ${f}`);
    }
});

test("bins: many distinct values → at most max_bins quantile bins of similar size, from a seeded sample", () => {
  const rows = 50_000;
  const random = createRandom(3);
  const x = Float32Array.from({ length: rows }, () => random.normal());
  const binned = binColumns(x, rows, 1, { maxBins: 64, sampleRows: 10_000, seed: 5 });
  const cuts = binned.thresholds[0] as Float32Array;
  assert.ok(cuts.length <= 63 && cuts.length >= 60, `${cuts.length} cuts`);
  const sizes = new Array<number>(cuts.length + 1).fill(0);
  for (const bin of binned.bins) sizes[bin] = (sizes[bin] as number) + 1;
  const expected = rows / (cuts.length + 1);
  for (const size of sizes) assert.ok(size > 0.7 * expected && size < 1.3 * expected, `bin of ${size} rows`);
  for (let i = 0; i < rows; i += 97)
    assert.is((binned.bins[i] as number) <= 10, (x[i] as number) <= (cuts[10] as number));
  const again = binColumns(x, rows, 1, { maxBins: 64, sampleRows: 10_000, seed: 5 });
  assert.equal(again.thresholds, binned.thresholds, "same seed, same cut points");
});

test("tree_method auto: exact on small data, hist from 10,000 rows", () => {
  assert.is(resolveTreeMethod("auto", 404), "exact");
  assert.is(resolveTreeMethod("auto", 10_000), "hist");
  assert.is(resolveTreeMethod("exact", 1e6), "exact");
});

test("hist gbt on features with few distinct values makes the exact learner's splits", async () => {
  // Every feature has ≤ 40 distinct values: one bin per value, so both learners weigh the same candidate
  // partitions of the rows (thresholds may differ inside gaps no training row of the node falls in).
  const data = friedman(600, 21, { noise: 1 });
  for (let i = 0; i < data.x.length; i++) data.x[i] = Math.round((data.x[i] as number) * 39) / 39;
  const params = { n_estimators: 8, max_depth: 4, lambda: 2, min_child_weight: 3 };
  const exact = await fit(data, { ...params, tree_method: "exact" });
  const hist = await fit(data, { ...params, tree_method: "hist" });
  exact.trees.forEach((tree, t) => {
    const other = hist.trees[t];
    assert.ok(other);
    assert.equal(other.feature, tree.feature, `tree ${t}: features`);
    assert.equal(other.toJSON().left, tree.toJSON().left);
    assert.equal(other.right, tree.right);
    tree.value.forEach((v, node) => {
      const difference = Math.abs(v - (other.value[node] as number));
      assert.ok(difference < 1e-9, `tree ${t} node ${node}`);
    });
  });
  const a = predictOutputs(exact, data.x);
  const b = predictOutputs(hist, data.x);
  for (let i = 0; i < data.rows; i++) assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-9);
});

test("hist gbt learns Friedman #1 about as well as exact, deterministically, with sampling", async () => {
  const train = friedman(3000, 11, { noise: 1 });
  const test = friedman(1000, 12);
  const params = {
    n_estimators: 60,
    max_depth: 4,
    learning_rate: 0.2,
    subsample: 0.8,
    colsample_bytree: 0.8,
  };
  const hist = await fit(train, { ...params, tree_method: "hist", max_bins: 32 });
  TreeEnsembleSchema.parse(JSON.parse(JSON.stringify(hist)));
  assert.is(
    JSON.stringify(hist),
    JSON.stringify(await fit(train, { ...params, tree_method: "hist", max_bins: 32 })),
  );
  const exact = await fit(train, { ...params, tree_method: "exact" });
  const histMse = meanSquaredError(predictOutputs(hist, test.x), test.y);
  const exactMse = meanSquaredError(predictOutputs(exact, test.x), test.y);
  assert.ok(histMse < 0.05 * variance(test.y), `hist MSE ${histMse}`);
  assert.ok(histMse < 1.25 * exactMse, `hist ${histMse} vs exact ${exactMse}`);
});

test("hist trees: the exported float32 thresholds send every row where the bins did, NaN included", async () => {
  const data = friedman(3000, 5, { noise: 1 });
  for (let i = 0; i < data.rows; i += 7) data.x[i * 6 + 3] = Number.NaN;
  const binned = binColumns(data.x, data.rows, 6, { maxBins: 20 });
  const space = new HistWorkspace(binned, 2, serialExecutor);
  const growth = {
    maxDepth: 6,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    minChildWeight: 1,
    lambda: 1,
    minGain: 1e-6,
    gamma: 0,
    maxFeatures: 6,
    leafScale: 1,
    stopWhenPure: false,
  };
  for (const keep of [1, 0.7]) {
    const random = createRandom(9);
    const weight = Float64Array.from({ length: data.rows }, () => (random.next() < keep ? 1 : 0));
    const targets = {
      outputs: 1,
      weight,
      weightedA: data.y.map((y, i) => y * (weight[i] as number)),
      weightedB: weight,
    };
    const grown = await growHistTree(
      space,
      Int32Array.from([0, 1, 2, 3, 4, 5]),
      targets,
      growth,
      random,
      true,
    );
    if (keep === 1) assert.ok(grown.missingLeft.includes(1), "some split sends missing values left");
    assert.is(grown.allRows, keep === 1);
    assert.ok(grown.feature.filter((f) => f === 3).length > 0, "splits on the feature with NaNs");
    const scores = new Float64Array(data.rows);
    await addHistTreeScores(grown, space, scores, 1, 0);
    const exported = toTree(grown, 1);
    for (let i = 0; i < data.rows; i++)
      assert.is(scores[i], exported.value[leafIndex(exported, data.x, i * 6)], `row ${i}`);
  }
});

test("hist trees within a histogram budget: a deep tree holds at most that many histograms, and still fits", async () => {
  const data = friedman(40_000, 23, { noise: 1 });
  const binned = binColumns(data.x, data.rows, 6, { maxBins: 64 });
  const growth = {
    maxDepth: Number.POSITIVE_INFINITY,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    minChildWeight: 0,
    lambda: 0,
    minGain: Number.NEGATIVE_INFINITY,
    gamma: 0,
    maxFeatures: 6,
    leafScale: 1,
    stopWhenPure: true,
  };
  const weight = new Float64Array(data.rows).fill(1);
  const targets = { outputs: 1, weight, weightedA: data.y, weightedB: weight, pureKey: data.y };
  const grow = async (budgetBytes?: number) => {
    const space = new HistWorkspace(binned, 2, serialExecutor, budgetBytes);
    const tree = await growHistTree(
      space,
      Int32Array.from([0, 1, 2, 3, 4, 5]),
      targets,
      growth,
      createRandom(1),
      true,
    );
    return { tree, histograms: space.memory.histograms.length, budget: space.budget };
  };
  const unbounded = await grow();
  const bounded = await grow(0);
  assert.is(bounded.budget, MIN_HISTOGRAM_BUDGET);
  assert.ok(unbounded.histograms > 2 * MIN_HISTOGRAM_BUDGET, `${unbounded.histograms} histograms unbounded`);
  assert.ok(bounded.histograms <= MIN_HISTOGRAM_BUDGET + 1, `${bounded.histograms} histograms`);
  // Grown to pure leaves either way: every training row predicted as its own target.
  for (const { tree } of [unbounded, bounded]) {
    const exported = toTree(tree, 1);
    for (let i = 0; i < data.rows; i += 101)
      assert.ok(
        Math.abs((exported.value[leafIndex(exported, data.x, i * 6)] as number) - (data.y[i] as number)) <
          1e-9,
      );
  }
});

test("hist trees by row blocks: the last level's partition, run when the leaves' values are added to the scores, sends every row to the leaf a walk of the tree finds, gamma or not", async () => {
  const data = friedman(20_000, 29, { noise: 1 });
  const binned = binColumns(data.x, data.rows, 6, { maxBins: 64 });
  // B = 1 on every row: the children's row counts are known before each partition.
  const ones = new Float64Array(data.rows).fill(1);
  const targets = { outputs: 1, weight: ones, weightedA: data.y, weightedB: ones };
  for (const gamma of [0, 2000]) {
    const growth = {
      maxDepth: 5,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      minChildWeight: 0,
      lambda: 1,
      minGain: 0,
      gamma,
      maxFeatures: 6,
      leafScale: 1,
      stopWhenPure: false,
    };
    const space = new HistWorkspace(binned, 2, serialExecutor, undefined, 2);
    const all = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const tree = await growHistTree(space, all, targets, growth, createRandom(1), true);
    const exported = toTree(tree, 1);
    const leaves = exported.feature.filter((f) => f < 0).length;
    if (gamma > 0) assert.ok(leaves > 1 && leaves < 32, `${leaves} leaves: gamma undid some splits, not all`);
    else assert.is(leaves, 32);
    const scores = new Float64Array(data.rows);
    await addHistTreeScores(tree, space, scores, 1, 0);
    for (let i = 0; i < data.rows; i++)
      assert.is(scores[i], exported.value[leafIndex(exported, data.x, i * 6)], `row ${i}, gamma ${gamma}`);
  }
});

test("lossguide: at most max_leaves leaves per tree; with 2^depth leaves it grows the depthwise trees", async () => {
  const train = friedman(4000, 41, { noise: 1 });
  const test = friedman(1000, 42);
  const base = { n_estimators: 30, max_depth: 4, tree_method: "hist" as const };
  const depthwise = await fit(train, base);
  const lossguide = await fit(train, { ...base, grow_policy: "lossguide", max_leaves: 16 });
  const small = await fit(train, { ...base, grow_policy: "lossguide", max_leaves: 5 });
  const leaves = (tree: { feature: ArrayLike<number> }) =>
    Array.from(tree.feature).filter((f) => f < 0).length;
  for (const tree of small.trees) assert.ok(leaves(tree) <= 5, `${leaves(tree)} leaves`);
  assert.ok(
    small.trees.some((tree) => leaves(tree) === 5),
    "the limit is reached",
  );
  // Depth 4 holds at most 16 leaves: best-first finds the same splits (same histograms, same choices).
  assert.is(JSON.stringify(lossguide), JSON.stringify(depthwise));
  const mse = (model: typeof depthwise) => meanSquaredError(predictOutputs(model, test.x), test.y);
  assert.ok(mse(small) > mse(lossguide), "fewer leaves fit less");
  const fewer = { ...base, grow_policy: "lossguide", max_leaves: 5 };
  const threaded = await gbt.fit(train, gbt.params.parse(fewer), { seed: 1, threads: 2 });
  assert.is(JSON.stringify(threaded), JSON.stringify(small), "same model on 2 threads");
});

test("hist gbt on 2 and 3 threads (histograms by row blocks, added in block order) grows the same model as on 1", async () => {
  const train = friedman(5000, 13, { noise: 1, extra: 4 });
  const params = gbt.params.parse({ n_estimators: 15, tree_method: "hist", subsample: 0.8 });
  const one = JSON.stringify(await gbt.fit(train, params, { seed: 3, threads: 1 }));
  assert.is(JSON.stringify(await gbt.fit(train, params, { seed: 3, threads: 2 })), one);
  assert.is(JSON.stringify(await gbt.fit(train, params, { seed: 3, threads: 3 })), one);
});

test("hist gbt classifiers (binary, multiclass) on 2 threads grow the same model as on 1", async () => {
  for (const classes of [2, 3]) {
    const train = sectors(1500, classes, 33, { flip: 0.05 });
    const params = gbt.params.parse({ n_estimators: 8, max_depth: 4, tree_method: "hist", subsample: 0.9 });
    const one = JSON.stringify(await gbt.fit(train, params, { seed: 4, threads: 1 }));
    assert.is(
      JSON.stringify(await gbt.fit(train, params, { seed: 4, threads: 2 })),
      one,
      `${classes} classes`,
    );
  }
});

test("hist forest: close to the exact forest, same forest on 2 threads, classification too", async () => {
  const train = friedman(3000, 17, { noise: 1 });
  const test = friedman(1000, 18);
  const params = (method: string) =>
    forest.params.parse({ n_estimators: 20, max_features: 0.5, min_samples_leaf: 2, tree_method: method });
  const hist = await forest.fit(train, params("hist"), { seed: 2 });
  const exact = await forest.fit(train, params("exact"), { seed: 2 });
  const histMse = meanSquaredError(predictOutputs(hist, test.x), test.y);
  const exactMse = meanSquaredError(predictOutputs(exact, test.x), test.y);
  assert.ok(histMse < 1.25 * exactMse, `hist ${histMse} vs exact ${exactMse}`);
  for (const tree of hist.trees)
    tree.feature.forEach((f, node) => {
      if (f < 0) assert.ok((tree.samples?.[node] as number) >= 2, "min_samples_leaf holds");
    });
  const threaded = await forest.fit(train, params("hist"), { seed: 2, threads: 2 });
  assert.is(JSON.stringify(threaded), JSON.stringify(hist));
  const classes = sectors(2000, 3, 51);
  const held = sectors(500, 3, 52);
  const model = await forest.fit(classes, forest.params.parse({ n_estimators: 20, tree_method: "hist" }), {
    seed: 1,
  });
  const accuracy =
    argmaxRows(predictOutputs(model, held.x), 3).filter((label, i) => label === held.y[i]).length / held.rows;
  assert.ok(accuracy > 0.9, `accuracy ${accuracy}`);
});

test("hist gbt classifies (binary and multiclass)", async () => {
  for (const classes of [2, 3]) {
    const train = sectors(1500, classes, 31, { flip: 0.05 });
    const test = sectors(500, classes, 32);
    const model = await fit(train, { n_estimators: 30, max_depth: 3, tree_method: "hist" });
    const width = classes;
    const accuracy =
      argmaxRows(predictOutputs(model, test.x), width).filter((label, i) => label === test.y[i]).length /
      test.rows;
    assert.ok(accuracy > 0.85, `${classes} classes: accuracy ${accuracy}`);
  }
});

test.run();
