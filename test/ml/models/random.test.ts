import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveSeed, Random } from "../../../src/ml/models/random.js";

const draw = (random: Random, n: number) => Array.from({ length: n }, () => random.nextUint32());

test("the same seed gives the same stream, another seed another one", () => {
  assert.equal(draw(new Random(42), 100), draw(new Random(42), 100));
  assert.not.equal(draw(new Random(42), 100), draw(new Random(43), 100));
});

test("derived seeds differ per part and are stable", () => {
  const seeds = new Set(Array.from({ length: 1000 }, (_, t) => deriveSeed(42, t)));
  assert.is(seeds.size, 1000);
  assert.is(deriveSeed(42, 7), deriveSeed(42, 7));
  assert.is.not(deriveSeed(42, 7), deriveSeed(7, 42));
  assert.is.not(deriveSeed(2 ** 40), deriveSeed(0), "high bits of large seeds count");
});

test("nextInt covers [0, n) evenly and nextFloat stays in [0, 1)", () => {
  const random = new Random(1);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const value = random.nextInt(10);
    assert.ok(Number.isInteger(value) && value >= 0 && value < 10);
    counts[value] = (counts[value] as number) + 1;
  }
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 500, `bucket count ${count}`);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = random.nextFloat();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

test.run();
