import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRandom, type Random, shuffle, weightedIndex } from "../../src/ml/random.js";

const draw = (random: Random, n: number) => Array.from({ length: n }, () => random.uint32());

test("the same seed gives the same stream, another seed another one", () => {
  assert.equal(draw(createRandom(42), 100), draw(createRandom(42), 100));
  assert.not.equal(draw(createRandom(42), 100), draw(createRandom(43), 100));
});

test("streams of one seed are distinct and stable", () => {
  const firsts = new Set(Array.from({ length: 1000 }, (_, t) => createRandom(42, t).uint32()));
  assert.is(firsts.size, 1000);
  assert.equal(draw(createRandom(42, 7), 10), draw(createRandom(42, 7), 10));
  assert.not.equal(draw(createRandom(42, 7), 10), draw(createRandom(7, 42), 10));
});

test("int covers [0, n) evenly, next stays in [0, 1), normal has mean 0 and variance 1", () => {
  const random = createRandom(1);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const value = random.int(10);
    assert.ok(Number.isInteger(value) && value >= 0 && value < 10);
    counts[value] = (counts[value] as number) + 1;
  }
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 500, `bucket count ${count}`);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = random.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  let mean = 0;
  let square = 0;
  for (let i = 0; i < 100_000; i++) {
    const z = random.normal();
    mean += z / 100_000;
    square += (z * z) / 100_000;
  }
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(square - 1) < 0.02, `mean ${mean}, E[z²] ${square}`);
});

test("shuffle permutes; weightedIndex follows the weights", () => {
  const random = createRandom(3);
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = shuffle([...items], random);
  assert.not.equal(shuffled, items);
  assert.equal(
    [...shuffled].sort((a, b) => a - b),
    items,
  );
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) {
    const index = weightedIndex(random, [1, 0, 2]);
    counts[index] = (counts[index] as number) + 1;
  }
  assert.is(counts[1], 0);
  assert.ok(Math.abs((counts[2] as number) / (counts[0] as number) - 2) < 0.1, `counts ${counts}`);
});

test.run();
