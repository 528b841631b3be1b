import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  bestAfter,
  budgetCheckpoints,
  TrialRecordSchema,
  trialsBestAfter,
} from "../../../src/ml/analysis/tuning.js";

test("budget checkpoints: the doubling budgets below the trial count, then the count", () => {
  assert.equal(budgetCheckpoints(40), [10, 20, 40]);
  assert.equal(budgetCheckpoints(25), [10, 20, 25]);
  assert.equal(budgetCheckpoints(3), [3]);
});

test("best after N trials follows the direction and skips failed (non-finite) trials", () => {
  const scores = [5, Number.NaN, 3, 4, 1, 2];
  assert.equal(bestAfter(scores, "minimize", [1, 3, 6]), [
    { trials: 1, best: 5 },
    { trials: 3, best: 3 },
    { trials: 6, best: 1 },
  ]);
  assert.equal(bestAfter(scores, "maximize", [2, 6]), [
    { trials: 2, best: 5 },
    { trials: 6, best: 5 },
  ]);
  assert.equal(bestAfter([Number.NaN, 2], "minimize", [1, 2]), [{ trials: 2, best: 2 }]);
});

test("the trial list is read in trial order, whatever order it was written in", () => {
  const record = (trial: number, cvMean: number) =>
    TrialRecordSchema.parse({ trial, cvMean, cvStd: 0, cvScores: [], seconds: 0 });
  assert.equal(trialsBestAfter([record(2, 1), record(1, 3)], "minimize"), [{ trials: 2, best: 1 }]);
});

test.run();
