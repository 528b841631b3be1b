import { test } from "uvu";
import * as assert from "uvu/assert";
import { splitRows } from "../../../src/ml/data/split.js";

function labels(counts: Record<string, number>): string[] {
  // Interleaved, so a split that ignored the classes would not get the proportions right by luck of order.
  const out: string[] = [];
  const remaining = { ...counts };
  while (Object.values(remaining).some((n) => n > 0))
    for (const key of Object.keys(remaining))
      if ((remaining[key] as number) > 0) {
        out.push(key);
        remaining[key] = (remaining[key] as number) - 1;
      }
  return out;
}

test("a stratified split keeps each class's share in train and test to within one row", () => {
  const strata = labels({ a: 601, b: 297, c: 83, d: 19 });
  const { train, test: held } = splitRows(strata.length, 0.2, 42, strata);
  assert.is(held.length, 200);
  assert.is(train.length + held.length, strata.length);
  for (const cls of ["a", "b", "c", "d"]) {
    const total = strata.filter((s) => s === cls).length;
    const inTest = held.filter((i) => strata[i] === cls).length;
    assert.ok(Math.abs(inTest - total * 0.2) <= 1, `${cls}: ${inTest} of ${total} in test`);
  }
});

test("an unstratified split of imbalanced classes drifts further than the stratified one", () => {
  const strata = labels({ a: 900, b: 100 });
  let worstPlain = 0;
  for (let seed = 0; seed < 20; seed++) {
    const plain = splitRows(strata.length, 0.2, seed).test.filter((i) => strata[i] === "b").length;
    worstPlain = Math.max(worstPlain, Math.abs(plain - 20));
    const stratified = splitRows(strata.length, 0.2, seed, strata).test.filter(
      (i) => strata[i] === "b",
    ).length;
    assert.is(stratified, 20);
  }
  assert.ok(worstPlain > 1, "plain splits vary (so the stratified assertion above means something)");
});

test("splits are disjoint, cover every row, sorted, and reproducible for a seed", () => {
  const a = splitRows(506, 0.2, 42);
  assert.is(a.test.length, 102);
  assert.equal(
    [...a.train, ...a.test].sort((x, y) => x - y),
    Array.from({ length: 506 }, (_, i) => i),
  );
  assert.equal(
    a.train,
    [...a.train].sort((x, y) => x - y),
  );
  assert.equal(splitRows(506, 0.2, 42), a);
  assert.not.equal(splitRows(506, 0.2, 43).test, a.test);
});

test.run();
