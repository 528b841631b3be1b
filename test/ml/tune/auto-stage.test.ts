// model.type auto through the real stage entry points: tune searches forest and gbt, train fits the chosen type,
// and model.params problems under auto name their params.yaml line.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TrialRecordsSchema, tunedParams } from "../../../src/ml/analysis/tuning.js";
import { formatError, type MlError, type Result } from "../../../src/ml/errors.js";
import { modelCandidates } from "../../../src/ml/model-choice.js";
import { TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { MlParams } from "../../../src/ml/params.js";
import { ParamsFile } from "../../../src/ml/params-file.js";
import { TuneSummarySchema } from "../../../src/ml/tune/summary.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { Workspace } from "../stages/workspace.js";

const MODEL = `model:
  type: forest
  seed: 1
  threads: 1
  params: {}
`;
const AUTO_MODEL = `model:
  type: auto
  candidates: [forest, gbt]
  seed: 1
  threads: 1
  params:
    gbt: {n_estimators: 200}
`;
const GBT_SPACE = `    gbt:
      learning_rate: {type: log_uniform, low: 0.05, high: 0.3}
      max_depth: {type: int, low: 2, high: 4}
evaluate:`;

function autoParams(model = AUTO_MODEL): string {
  assert.ok(CLASSIFICATION_PARAMS.includes(MODEL));
  return CLASSIFICATION_PARAMS.replace(MODEL, model)
    .replace("  trials: 4\n", "  trials: 6\n  repeats: 2\n  early_stopping_rounds: 10\n")
    .replace("evaluate:", GBT_SPACE);
}

test("tune searches both types; train fits the one tune chose, with early-stopped rounds for gbt", async () => {
  const w = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", autoParams());
  const summaries = await w.callAll();
  assert.match(summaries.tune ?? "", /^6 trials of auto \(forest, gbt\) \(3-fold CV × 2, 2 jobs\)/);
  const tuned = TuneSummarySchema.parse(w.json("metrics/tune.json"));
  assert.equal(tuned.searched, ["forest", "gbt"]);
  assert.match(summaries.train ?? "", new RegExp(`^${tuned.modelType} on 180 rows`));
  const model = TreeEnsembleSchema.parse(w.json("data/model/trees.json"));
  assert.is(model.modelType, tuned.modelType);
  const trials = w.json<Record<string, unknown>[]>("metrics/tune-trials.json");
  assert.equal([...new Set(trials.map((trial) => trial.model_type))].sort(), ["forest", "gbt"]);
  for (const trial of trials.filter((t) => t.model_type === "gbt"))
    assert.ok((trial.cvRounds as number) >= 1 && (trial.cvRounds as number) <= 200);
  // The notebooks' view of the trials: the branch is a tuned (nominal) param, the chosen rounds bookkeeping.
  const names = tunedParams(TrialRecordsSchema.parse(trials));
  assert.ok(
    names.includes("model_type") && names.includes("learning_rate") && names.includes("max_features"),
  );
  assert.not.ok(names.includes("cvRounds"));
  if (tuned.modelType === "gbt") assert.ok((tuned.params.n_estimators as number) < 200);
});

test("train refuses a tune result of another model.type", async () => {
  const w = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", CLASSIFICATION_PARAMS);
  await w.callAll(["prepare", "featurize", "tune"]);
  w.write("params.yaml", autoParams());
  const run = w.run("train");
  assert.is.not(run.status, 0);
  assert.match(
    run.stderr,
    /metrics\/tune\.json: was tuned for model type "forest" but model.type is "auto"; run the tune stage/,
  );
});

function errorOf(text: string): string {
  const file = ParamsFile.parse("params.yaml", text);
  if (!file.ok) throw new Error(formatError(file.error));
  const params = new MlParams(file.value);
  const model = params.model();
  if (!model.ok) return formatError(model.error);
  const result: Result<unknown> = modelCandidates(params, model.value, "classification");
  if (result.ok) throw new Error("expected an error");
  return formatError(result.error as MlError);
}

test("model.params under auto: one section per candidate, errors on their lines", () => {
  const stray = autoParams(AUTO_MODEL.replace("gbt: {n_estimators: 200}", "n_estimators: 200"));
  assert.match(
    errorOf(stray),
    /^params\.yaml:\d+: model\.params\.n_estimators: under model\.type "auto", model\.params holds one section per model type/,
  );
  const notCandidate = autoParams(AUTO_MODEL.replace("[forest, gbt]", "[forest]"));
  assert.match(errorOf(notCandidate), /model\.params\.gbt: model type "gbt" is not in model\.candidates/);
  const unknown = autoParams(AUTO_MODEL.replace("[forest, gbt]", "[forest, xgb]"));
  assert.match(errorOf(unknown), /model\.candidates\[1\]: unknown model type "xgb"/);
  const typo = autoParams(AUTO_MODEL.replace("type: auto", "type: atuo"));
  assert.match(errorOf(typo), /model\.type: unknown model type "atuo"; known types: .*, or "auto"/);
});

test.run();
