// model.type auto: a conditional search space (branch first, then the branch's own params), run through the real
// study and CV, and the summary that names the chosen type.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import type { SearchSpace } from "../../../src/ml/params.js";
import { createRandom } from "../../../src/ml/random.js";
import { BRANCH_KEY, branchedSuggester } from "../../../src/ml/tune/conditional.js";
import { kFolds, repeatedKFolds } from "../../../src/ml/tune/folds.js";
import type { Observation } from "../../../src/ml/tune/tpe.js";
import { summarize, type TuneRequest, trialRecords, tune } from "../../../src/ml/tune/tune.js";

const branches: Record<string, SearchSpace> = {
  forest: { max_depth: { type: "int", low: 2, high: 4, step: 1, log: false } },
  gbt: {
    max_depth: { type: "int", low: 10, high: 12, step: 1, log: false },
    learning_rate: { type: "log_uniform", low: 0.01, high: 0.3 },
  },
};

test("each suggestion picks a branch, then only that branch's params within its own bounds", () => {
  const suggestNext = branchedSuggester(branches, { startupTrials: 4, candidates: 24 });
  const history: Observation[] = [];
  const seen = new Set<string>();
  for (let n = 0; n < 30; n++) {
    const params = suggestNext(history, createRandom(9, n));
    const branch = params[BRANCH_KEY] as string;
    seen.add(branch);
    assert.equal(Object.keys(params).sort(), [BRANCH_KEY, ...Object.keys(branches[branch] ?? {})].sort());
    const depth = params.max_depth as number;
    assert.ok(
      branch === "forest" ? depth >= 2 && depth <= 4 : depth >= 10 && depth <= 12,
      `${branch} ${depth}`,
    );
    // gbt is much better here: the TPE should learn to pick it.
    history.push({ params, loss: branch === "gbt" ? 1 + depth / 100 : 5 });
  }
  assert.equal([...seen].sort(), ["forest", "gbt"]);
  const late = history.slice(15).filter((trial) => trial.params[BRANCH_KEY] === "gbt").length;
  assert.ok(late >= 10, `gbt in ${late} of the last 15 trials`);
  // Reproducible: same history and random stream, same suggestion.
  const again = branchedSuggester(branches, { startupTrials: 4, candidates: 24 });
  assert.equal(again(history, createRandom(9, 30)), suggestNext(history, createRandom(9, 30)));
});

function steps(rows: number): TrainingSet {
  const random = createRandom(4);
  const x = new Float32Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i * 2] = Math.fround(random.next());
    x[i * 2 + 1] = Math.fround(random.next());
    y[i] = (x[i * 2] as number) > 0.5 ? 3 : 0;
  }
  return { task: "regression", x, rows, features: ["a", "b"], y };
}

test("an auto study tries both model types; the summary trains the best trial's type with its own fixed params", async () => {
  const request: TuneRequest = {
    data: steps(120),
    modelType: "auto",
    fixedParams: {},
    space: {},
    branches: {
      forest: {
        fixedParams: { n_estimators: 5 },
        space: { max_depth: { type: "int", low: 1, high: 3, step: 1, log: false } },
      },
      gbt: {
        fixedParams: { n_estimators: 20 },
        space: { learning_rate: { type: "uniform", low: 0.1, high: 0.3 } },
      },
    },
    metric: "mse",
    trials: 8,
    folds: 3,
    repeats: 2,
    jobs: 2,
    seed: 3,
    modelSeed: 1,
    startupTrials: 4,
    candidates: 24,
  };
  const trials = await tune(request);
  assert.equal([...new Set(trials.map((trial) => trial.params[BRANCH_KEY]))].sort(), ["forest", "gbt"]);
  for (const trial of trials) assert.is(trial.scores.length, 6, "3 folds × 2 repeats");
  const summary = summarize(request, trials);
  const best = trials.find((trial) => trial.number + 1 === summary.best.trial);
  assert.is(summary.modelType, best?.params[BRANCH_KEY]);
  assert.equal(summary.searched, ["forest", "gbt"]);
  assert.is(summary.repeats, 2);
  assert.not.ok(
    "params" in summary.best,
    "the best trial's params live in tune-trials.json, not twice in tune.json",
  );
  assert.not.ok(BRANCH_KEY in summary.params, "the params to train with are the chosen type's only");
  assert.is(summary.params.n_estimators, summary.modelType === "gbt" ? 20 : 5);
  assert.ok(trialRecords(trials).every((record) => typeof record[BRANCH_KEY] === "string"));
  // The same study again (2 workers, so finishing order varies): the same trials.
  const again = await tune(request);
  assert.equal(
    again.map((trial) => [trial.params, trial.value]),
    trials.map((trial) => [trial.params, trial.value]),
  );
});

test("repeated k-fold: repeat 0 is plain k-fold, every repeat partitions the rows, repeats differ", () => {
  const folds = repeatedKFolds(50, 5, 3, 42);
  assert.is(folds.length, 15);
  assert.equal(folds.slice(0, 5), kFolds(50, 5, 42));
  for (let r = 0; r < 3; r++) {
    const tested = folds
      .slice(r * 5, r * 5 + 5)
      .flatMap((fold) => fold.test)
      .sort((a, b) => a - b);
    assert.equal(
      tested,
      Array.from({ length: 50 }, (_, i) => i),
    );
  }
  assert.not.equal(folds[5]?.test, folds[0]?.test);
  assert.throws(() => repeatedKFolds(50, 5, 0, 42), /repeat/);
});

test.run();
