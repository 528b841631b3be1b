// Early stopping inside the CV folds: the round hook of the real gbt learner stops boosting, the folds are scored
// at the round count with the lowest mean held-out loss, and the summary's n_estimators is that count.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subset } from "../../../src/ml/features/training-set.js";
import { gbt } from "../../../src/ml/models/gbt.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { predictScores } from "../../../src/ml/models/tree-ensemble.js";
import { createRandom } from "../../../src/ml/random.js";
import { crossValidate } from "../../../src/ml/tune/cross-validate.js";
import {
  earlyStopping,
  sharedBestRounds,
  truncateRounds,
  validationLoss,
} from "../../../src/ml/tune/early-stopping.js";
import { kFolds } from "../../../src/ml/tune/folds.js";
import { summarize, type TuneRequest, tune } from "../../../src/ml/tune/tune.js";

/** y = sin(3 x0) + x1 + noise: a high learning rate overfits it within a few dozen rounds. */
function noisyRegression(rows: number, seed: number): TrainingSet {
  const random = createRandom(seed);
  const x = new Float32Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < 3; f++) x[i * 3 + f] = Math.fround(random.next() * 2 - 1);
    y[i] = Math.sin(3 * (x[i * 3] as number)) + (x[i * 3 + 1] as number) + 0.5 * random.normal();
  }
  return { task: "regression", x, rows, features: ["a", "b", "c"], y };
}

const data = noisyRegression(200, 3);
const [fold] = kFolds(data.rows, 4, 1);
const train = subset(data, fold?.train ?? []);
const held = subset(data, fold?.test ?? []);
const params = gbt.params.parse({ n_estimators: 300, learning_rate: 0.3, max_depth: 4 });

test("boosting stops `patience` rounds after the best held-out loss; the cut model is the best round's", async () => {
  const stopping = earlyStopping(held, 10);
  const stopped = await gbt.fit(train, params, { seed: 1, afterRound: stopping.afterRound });
  const full = await gbt.fit(train, params, { seed: 1 });
  assert.ok(stopping.rounds() < 300, `stopped after ${stopping.rounds()} of 300 rounds`);
  assert.is(stopped.trees.length, stopping.rounds());
  assert.is(stopping.rounds() - stopping.bestRounds(), 10);
  // The same trees as the unstopped fit up to there: the hook observes, it does not change the learner.
  assert.equal(stopped.trees, full.trees.slice(0, stopping.rounds()));
  const lossAfter = (rounds: number) =>
    validationLoss("regression", predictScores(truncateRounds(full, rounds), held.x), held.y, 1);
  const best = lossAfter(stopping.bestRounds());
  for (let rounds = 1; rounds <= stopping.rounds(); rounds++) assert.ok(lossAfter(rounds) >= best);
  assert.ok(lossAfter(300) > best, "the full 300 rounds overfit");
});

test("log loss and softmax cross-entropy on raw scores", () => {
  const binary = validationLoss("classification", Float64Array.of(0, 2), Float64Array.of(0, 1), 1);
  assert.ok(Math.abs(binary - (Math.log(2) + Math.log1p(Math.exp(-2))) / 2) < 1e-12);
  const multi = validationLoss("classification", Float64Array.of(0, 0, 0), Float64Array.of(2), 3);
  assert.ok(Math.abs(multi - Math.log(3)) < 1e-12);
});

test("CV with early stopping records each fold's rounds and scores the cut models", async () => {
  const folds = kFolds(data.rows, 4, 1);
  const plain = await crossValidate(data, folds, gbt, params, "mse", 1);
  const stopped = await crossValidate(data, folds, gbt, params, "mse", 1, 10);
  assert.is(plain.rounds, undefined);
  const rounds = stopped.rounds ?? 0;
  assert.ok(rounds >= 1 && rounds < 300, `${rounds} rounds`);
  assert.ok(stopped.mean < plain.mean, `${stopped.mean} < ${plain.mean}`);
  // Every fold scored at that one count: the same scores as the unstopped folds cut back to it.
  const cut = await Promise.all(
    folds.map(async (f) => {
      const ensemble = truncateRounds(await gbt.fit(subset(data, f.train), params, { seed: 1 }), rounds);
      const heldOut = subset(data, f.test);
      return validationLoss("regression", predictScores(ensemble, heldOut.x), heldOut.y, 1);
    }),
  );
  assert.equal(stopped.scores, cut);
});

test("the shared round count minimises the mean curve within the rounds every fold reached", () => {
  assert.is(
    sharedBestRounds([
      [5, 3, 2, 4],
      [5, 4, 3],
    ]),
    3,
  );
  assert.is(
    sharedBestRounds([
      [1, 2, 3],
      [9, 1, 0, 0],
    ]),
    2,
  );
});

test("the summary trains with the folds' mean round count", async () => {
  const request: TuneRequest = {
    data,
    modelType: "gbt",
    fixedParams: { n_estimators: 300, learning_rate: 0.3 },
    space: { max_depth: { type: "int", low: 2, high: 5, step: 1, log: false } },
    metric: "mse",
    trials: 3,
    folds: 3,
    jobs: 1,
    seed: 2,
    modelSeed: 1,
    startupTrials: 3,
    candidates: 24,
    earlyStoppingRounds: 10,
  };
  const trials = await tune(request);
  const summary = summarize(request, trials);
  const best = trials.find((trial) => trial.number + 1 === summary.best.trial);
  assert.ok(summary.best.rounds !== undefined && summary.best.rounds < 300);
  assert.is(summary.best.rounds, best?.rounds);
  assert.is(summary.params.n_estimators, summary.best.rounds);
  assert.is(summary.earlyStoppingRounds, 10);
});

test.run();
