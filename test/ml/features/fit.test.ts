import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { prepareDataset } from "../../../src/ml/data/prepare.js";
import { applyFeaturizer, FeaturizerSchema } from "../../../src/ml/features/featurizer-spec.js";
import { type FeatureError, fitFeaturizer } from "../../../src/ml/features/fit.js";
import { rawMatrix } from "../../../src/ml/features/training-set.js";
import { DatasetSchema, FeaturesSchema, SplitSchema } from "../../../src/ml/params.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { tempFile } from "../data/temp.js";

const params = parseYaml(CLASSIFICATION_PARAMS);
const dataset = DatasetSchema.parse({ ...params.dataset, path: tempFile("churn.csv", classificationCsv()) });
const prepared = prepareDataset(dataset, SplitSchema.parse(params.split));
if (!prepared.ok) throw new Error("fixture did not prepare");
const { train, test: held, profile } = prepared.value;

function fit(features: unknown) {
  return fitFeaturizer(train, profile, FeaturesSchema.parse(features));
}

function fitError(features: unknown): FeatureError {
  const result = fit(features);
  if (result.ok) throw new Error("expected a fit error");
  return result.error;
}

const f32 = Math.fround;
const imputeColor = { op: "impute", columns: ["color"], strategy: "most_frequent" };

test("the fixture's steps: imputation, log1p, a derived ratio and one-hot indicators in place", () => {
  const result = fit(params.features);
  assert.ok(result.ok);
  if (!result.ok) return;
  const featurizer = FeaturizerSchema.parse(result.value);
  assert.equal(featurizer.outputs, [
    "income",
    "age",
    "score",
    "color=blue",
    "color=green",
    "color=red",
    "member",
    "income_per_year",
  ]);
  assert.equal(featurizer.inputs[3], {
    name: "color",
    kind: "categorical",
    categories: ["blue", "green", "red"],
  });
  const rows = applyFeaturizer(featurizer, rawMatrix(train, featurizer.inputs));
  assert.ok(rows.every(Number.isFinite), "no missing values reach the model");
  // Row by row, the derived column is computed from the log1p'd income in float32.
  const width = featurizer.outputs.length;
  for (let i = 0; i < 5; i++) {
    const income = rows[i * width] as number;
    const age = rows[i * width + 1] as number;
    assert.is(rows[i * width + 7], f32(income / f32(age - 17)));
    const indicators = [3, 4, 5].map((j) => rows[i * width + j]);
    assert.is(
      indicators.reduce((a, b) => (a as number) + (b as number), 0),
      1,
    );
  }
});

test("imputation values are fitted on the training split only", () => {
  const result = fit({ steps: [{ op: "impute", columns: ["score"], strategy: "median" }, imputeColor] });
  assert.ok(result.ok);
  if (!result.ok) return;
  const step = result.value.steps[0];
  const scores = Array.from(train.columns.find((c) => c.name === "score")?.values as Float64Array)
    .filter((v) => !Number.isNaN(v))
    .map(f32)
    .sort((a, b) => a - b);
  const middle = (scores.length - 1) / 2;
  const median = ((scores[Math.floor(middle)] as number) + (scores[Math.ceil(middle)] as number)) / 2;
  assert.equal(step, { op: "impute", column: "score", strategy: "median", value: median });
});

test("the test split goes through the same featurizer; unseen categories give all-zero indicators", () => {
  const result = fit(params.features);
  if (!result.ok) throw new Error("fit failed");
  const featurizer = result.value;
  const rows = applyFeaturizer(featurizer, rawMatrix(held, featurizer.inputs));
  assert.ok(rows.every(Number.isFinite));
  const raw = new Float32Array([30, 40, 50, -1, 0]);
  const unseen = applyFeaturizer(featurizer, raw);
  assert.equal(Array.from(unseen.slice(3, 6)), [0, 0, 0]);
});

test("scale fits mean and standard deviation", () => {
  const result = fit({
    steps: [
      { op: "impute", columns: ["score"], strategy: "mean" },
      imputeColor,
      { op: "scale", columns: ["age"] },
    ],
  });
  if (!result.ok) throw new Error(result.error.message);
  const rows = applyFeaturizer(result.value, rawMatrix(train, result.value.inputs));
  const width = result.value.outputs.length;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < train.rows; i++) sum += rows[i * width + 1] as number;
  const mean = sum / train.rows;
  for (let i = 0; i < train.rows; i++) squares += ((rows[i * width + 1] as number) - mean) ** 2;
  assert.ok(Math.abs(mean) < 1e-5);
  assert.ok(Math.abs(Math.sqrt(squares / train.rows) - 1) < 1e-5);
});

test("clip with fitted quantiles bounds the column", () => {
  const result = fit({
    steps: [
      { op: "impute", columns: ["score"], strategy: "median" },
      imputeColor,
      { op: "clip", columns: ["income"], quantiles: [0.05, 0.95] },
    ],
  });
  if (!result.ok) throw new Error(result.error.message);
  const clip = result.value.steps[2];
  assert.ok(clip?.op === "clip" && clip.min < clip.max);
});

test("errors name the step and the problem", () => {
  const impute = { op: "impute", columns: ["score", "color"], strategy: "most_frequent" };
  const cases: [unknown, (string | number)[], RegExp][] = [
    [{ steps: [] }, ["steps"], /model input "score" has a missing value in training row \d+; add an impute/],
    [
      { steps: [impute, { op: "derive", name: "r", expr: "incme / age" }] },
      ["steps", 1, "expr"],
      /no column "incme" \(did you mean "income"\?\)/,
    ],
    [
      { steps: [impute, { op: "derive", name: "r", expr: "income *" }] },
      ["steps", 1, "expr"],
      /ends too early/,
    ],
    [
      { steps: [impute, { op: "derive", name: "r", expr: "color * 2" }] },
      ["steps", 1, "expr"],
      /text categories/,
    ],
    [
      { steps: [impute, { op: "derive", name: "age", expr: "age * 2" }] },
      ["steps", 1, "name"],
      /already exists/,
    ],
    [
      { steps: [{ op: "impute", columns: ["color"], strategy: "mean" }] },
      ["steps", 0, "columns", 0],
      /use most_frequent or constant/,
    ],
    [
      { steps: [impute, { op: "onehot", columns: ["age"] }] },
      ["steps", 1, "columns", 0],
      /categorical columns/,
    ],
    [
      { steps: [impute, { op: "log1p", columns: ["nope"] }] },
      ["steps", 1, "columns", 0],
      /"nope": no such column/,
    ],
    [{ steps: [impute], exclude: ["ghost"] }, ["exclude", 0], /no column "ghost"/],
    [
      { steps: [{ op: "impute", columns: ["color"], strategy: "constant", value: "purple" }] },
      ["steps", 0, "columns", 0],
      /"purple" is not a category seen in training/,
    ],
  ];
  for (const [features, path, pattern] of cases) {
    const error = fitError(features);
    assert.equal(error.path, path, JSON.stringify(features));
    assert.match(error.message, pattern);
  }
});

test.run();
