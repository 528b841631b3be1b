// sampleRows: the seeded sample of training rows the tuner searches on when tune.max_rows is set.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sampleRows } from "../../../src/ml/features/sample-rows.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";

/** Row i: features [i, -i], target i (regression) or class i % 10 === 0 (classification: 10% ones). */
function rows(count: number, task: TrainingSet["task"]): TrainingSet {
  const x = new Float32Array(count * 2);
  const y = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = task === "regression" ? i : i % 10 === 0 ? 1 : 0;
  }
  return {
    task,
    x,
    y,
    rows: count,
    features: ["a", "b"],
    ...(task === "classification" ? { classes: [0, 1] } : {}),
  };
}

test("exactly max_rows rows, in their original order, each row whole", () => {
  for (const [count, max] of [
    [1000, 300],
    [800_000, 200_000],
    [10, 9],
  ] as const) {
    const sample = sampleRows(rows(count, "regression"), max, 42);
    assert.is(sample.rows, max);
    assert.is(sample.x.length, max * 2);
    const ids = Array.from(sample.y);
    assert.ok(
      ids.every((id, k) => k === 0 || id > (ids[k - 1] as number)),
      "ascending, no repeats",
    );
    assert.ok(
      ids.every((id, k) => sample.x[2 * k] === id && sample.x[2 * k + 1] === -id),
      "features stay with their target",
    );
  }
});

test("the same seed gives the same sample; another seed another one", () => {
  const data = rows(5000, "regression");
  assert.equal(Array.from(sampleRows(data, 500, 1).y), Array.from(sampleRows(data, 500, 1).y));
  assert.not.equal(Array.from(sampleRows(data, 500, 1).y), Array.from(sampleRows(data, 500, 2).y));
});

test("classification keeps each class's share", () => {
  const sample = sampleRows(rows(10_000, "classification"), 1000, 7);
  assert.is(Array.from(sample.y).filter((label) => label === 1).length, 100);
  assert.equal(sample.classes, [0, 1]);
});

test("a set no bigger than max_rows is returned as is", () => {
  const data = rows(100, "regression");
  assert.is(sampleRows(data, 100, 3), data);
  assert.is(sampleRows(data, 1000, 3), data);
});

test.run();
