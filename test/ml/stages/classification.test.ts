// The classification path end to end through the real stage entry points, on the small synthetic dataset;
// and the determinism of every stage's output (a second run in another directory gives the same bytes).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProfileSchema } from "../../../src/ml/data/profile.js";
import { EvaluationSchema } from "../../../src/ml/evaluation.js";
import { FeaturizerSchema } from "../../../src/ml/features/featurizer-spec.js";
import { TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { TuneSummarySchema } from "../../../src/ml/tune/summary.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { Workspace } from "./workspace.js";

const OUTPUTS = [
  "data/prepared/train.csv",
  "data/prepared/test.csv",
  "data/prepared/profile.json",
  "data/features/featurizer.json",
  "metrics/tune.json",
  "data/model/trees.json",
  "metrics/evaluate.json",
  "metrics/plots/roc.json",
  "metrics/plots/confusion.json",
  "metrics/plots/feature-importance.json",
];

function churnWorkspace(): Workspace {
  return new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", CLASSIFICATION_PARAMS);
}

const first = churnWorkspace();
const summaries = await first.callAll();

test("every stage succeeds with a summary", () => {
  assert.match(
    summaries.prepare ?? "",
    /^240 rows of data\/raw\/churn\.csv → 180 train, 60 test; 5 features$/,
  );
  assert.match(summaries.featurize ?? "", /^5 inputs → 8 model features in 5 steps$/);
  assert.match(
    summaries.tune ?? "",
    /^4 trials of forest \(3-fold CV, 2 jobs\) in [\d.]+ s; best log_loss [\d.]+ ± [\d.]+ \(trial \d\)$/,
  );
  assert.match(summaries.evaluate ?? "", /^roc_auc [\d.]+ on 60 test rows; promote: true/);
});

test("the split is stratified and the artifacts match their schemas", () => {
  const profile = ProfileSchema.parse(first.json("data/prepared/profile.json"));
  assert.equal(profile.target.categories?.values, ["no", "yes"]);
  const trainCounts = profile.target.categories?.counts ?? [];
  const testLabels = first
    .read("data/prepared/test.csv")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").at(-1));
  const testYes = testLabels.filter((label) => label === "yes").length;
  const share = (trainCounts[1] as number) / profile.rows;
  assert.ok(
    Math.abs(testYes - share * testLabels.length) <= 1.5,
    `test has ${testYes} yes of ${testLabels.length}`,
  );
  FeaturizerSchema.parse(first.json("data/features/featurizer.json"));
  const model = TreeEnsembleSchema.parse(first.json("data/model/trees.json"));
  assert.equal(model.classes, ["no", "yes"]);
  const tuned = TuneSummarySchema.parse(first.json("metrics/tune.json"));
  assert.is(tuned.trials, 4);
  assert.is(model.trees.length, tuned.params.n_estimators);
});

test("evaluate reports classification metrics, promotes the first model and writes ROC and confusion data", () => {
  const evaluation = EvaluationSchema.parse(first.json("metrics/evaluate.json"));
  assert.equal(Object.keys(evaluation.metrics), ["accuracy", "f1", "roc_auc", "log_loss"]);
  assert.ok(
    (evaluation.metrics.roc_auc as number) > 0.75,
    `the model learned something: AUC ${evaluation.metrics.roc_auc}`,
  );
  assert.is(evaluation.testRows, 60);
  assert.equal([evaluation.metric, evaluation.direction, evaluation.promote], ["roc_auc", "maximize", true]);
  assert.match(evaluation.reason, /first model is promoted/);
  const confusion = first.json<{ actual: string; predicted: string; count: number }[]>(
    "metrics/plots/confusion.json",
  );
  assert.is(
    confusion.reduce((sum, cell) => sum + cell.count, 0),
    60,
  );
  const roc = first.json<{ fpr: number; tpr: number }[]>("metrics/plots/roc.json");
  assert.equal(roc[0], { class: "yes", fpr: 0, tpr: 0, threshold: 1 });
  assert.equal([roc.at(-1)?.fpr, roc.at(-1)?.tpr], [1, 1]);
});

test("tune.max_rows searches on a seeded sample of the training rows; train still fits every row", async () => {
  const sampled = new Workspace().write(
    "params.yaml",
    CLASSIFICATION_PARAMS.replace("  trials: 4\n", "  trials: 4\n  max_rows: 90\n"),
  );
  for (const path of [
    "data/prepared/train.csv",
    "data/prepared/profile.json",
    "data/features/featurizer.json",
  ])
    sampled.write(path, first.read(path));
  const summary = await sampled.call("tune");
  assert.match(summary, /^4 trials of forest \(3-fold CV on 90 of 180 rows \(tune\.max_rows\), 2 jobs\)/);
  assert.match(await sampled.call("train"), / on 180 rows /);
});

test("the same params give byte-identical outputs from every stage (trial timings aside)", async () => {
  const second = churnWorkspace();
  await second.callAll();
  for (const path of OUTPUTS)
    assert.ok(first.read(path) === second.read(path), `${path} differs between runs`);
  const withoutTimes = (w: Workspace) =>
    w.json<Record<string, unknown>[]>("metrics/tune-trials.json").map(({ seconds, ...rest }) => rest);
  assert.equal(withoutTimes(first), withoutTimes(second));
});

test.run();
