// start_with_defaults: the first trial of each model type is its learner's defaults, clamped into the space.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SearchSpace } from "../../../src/ml/params.js";
import { defaultPoint } from "../../../src/ml/tune/space.js";
import { runStudy } from "../../../src/ml/tune/study.js";
import { defaultTrials, type TuneRequest } from "../../../src/ml/tune/tune.js";

const gbtSpace: SearchSpace = {
  n_estimators: { type: "int", low: 50, high: 600, step: 1, log: false },
  learning_rate: { type: "log_uniform", low: 0.01, high: 0.2 },
  max_depth: { type: "int", low: 2, high: 8, step: 3, log: false },
  subsample: { type: "uniform", low: 0.5, high: 1 },
};
const forestSpace: SearchSpace = {
  max_depth: { type: "int", low: 3, high: 20, step: 1, log: false },
  max_features: { type: "categorical", choices: ["sqrt", 0.5] },
  min_samples_leaf: { type: "int", low: 2, high: 10, step: 1, log: true },
};

test("defaults inside the space are kept; outside ones clamp onto the grid; null takes the upper bound", () => {
  assert.equal(
    defaultPoint(gbtSpace, { n_estimators: 100, learning_rate: 0.3, max_depth: 6, subsample: 1 }),
    { n_estimators: 100, learning_rate: 0.2, max_depth: 5, subsample: 1 },
  );
  assert.equal(defaultPoint(forestSpace, { max_depth: null, max_features: null, min_samples_leaf: 1 }), {
    max_depth: 20,
    max_features: "sqrt",
    min_samples_leaf: 2,
  });
});

const request = (branches?: TuneRequest["branches"]): TuneRequest => ({
  data: { task: "regression", x: new Float32Array(0), rows: 0, features: [], y: new Float64Array(0) },
  modelType: branches ? "auto" : "gbt",
  fixedParams: { n_estimators: 300 },
  space: { learning_rate: gbtSpace.learning_rate as SearchSpace[string] },
  ...(branches ? { branches } : {}),
  metric: "mse",
  trials: 5,
  folds: 2,
  jobs: 1,
  seed: 1,
  modelSeed: 1,
  startupTrials: 2,
  candidates: 8,
});

test("one default trial, or one per model type under auto (fixed params count as defaults)", () => {
  assert.equal(defaultTrials(request()), [{ learning_rate: 0.2 }]);
  const auto = defaultTrials(
    request({
      forest: { fixedParams: { max_depth: 7 }, space: forestSpace },
      gbt: { fixedParams: { max_depth: 2 }, space: gbtSpace },
    }),
  );
  assert.equal(auto, [
    { model_type: "forest", max_depth: 7, max_features: "sqrt", min_samples_leaf: 2 },
    { model_type: "gbt", n_estimators: 100, learning_rate: 0.2, max_depth: 2, subsample: 1 },
  ]);
});

test("a study tries the initial params first, then suggests", async () => {
  const initial = [{ learning_rate: 0.2 }, { learning_rate: 0.01 }];
  const trials = await runStudy(
    {
      space: { learning_rate: gbtSpace.learning_rate as SearchSpace[string] },
      initial,
      trials: 4,
      jobs: 1,
      seed: 3,
      direction: "minimize",
      startupTrials: 2,
      candidates: 8,
    },
    (params) => ({ value: params.learning_rate as number, seconds: 0 }),
  );
  assert.equal(
    trials.slice(0, 2).map((trial) => trial.params),
    initial,
  );
  assert.is(trials.length, 4);
});

test.run();
