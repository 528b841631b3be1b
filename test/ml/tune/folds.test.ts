import { test } from "uvu";
import * as assert from "uvu/assert";
import { kFolds } from "../../../src/ml/tune/folds.js";

test("k folds partition the rows; sizes differ by at most one", () => {
  const folds = kFolds(103, 5, 42);
  const tested = folds.flatMap((fold) => fold.test).sort((a, b) => a - b);
  assert.equal(
    tested,
    Array.from({ length: 103 }, (_, i) => i),
  );
  const sizes = folds.map((fold) => fold.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  for (const fold of folds) {
    assert.is(fold.train.length + fold.test.length, 103);
    assert.ok(fold.test.every((row) => !fold.train.includes(row)));
  }
  assert.equal(kFolds(103, 5, 42), folds);
  assert.not.equal(kFolds(103, 5, 43)[0]?.test, folds[0]?.test);
});

test("stratified folds keep each class's share within one row", () => {
  const strata = Array.from({ length: 200 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
  for (const fold of kFolds(200, 4, 1, strata)) {
    for (const [cls, share] of [
      [0, 0.7],
      [1, 0.2],
      [2, 0.1],
    ] as const) {
      const count = fold.test.filter((row) => strata[row] === cls).length;
      assert.ok(Math.abs(count - share * 50) <= 1, `class ${cls}: ${count}`);
    }
  }
});

test.run();
