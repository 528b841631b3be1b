import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { previousFloat32, splitThreshold, strictBoundToThreshold } from "../../../src/ml/models/float32.js";

const float32 = fc.float({ noDefaultInfinity: true, noNaN: true }).map(Math.fround);

test("previousFloat32 is the next float32 down", () => {
  assert.is(previousFloat32(1), 1 - 2 ** -24);
  assert.is(previousFloat32(0), -(2 ** -149));
  assert.is(previousFloat32(-1), -(1 + 2 ** -23));
  assert.is(previousFloat32(2 ** -149), 0);
});

test("splitThreshold: float32, at least the lower value, below the upper value", () => {
  fc.assert(
    fc.property(float32, float32, (p, q) => {
      fc.pre(p !== q);
      const [lower, upper] = p < q ? [p, q] : [q, p];
      const t = splitThreshold(lower, upper);
      return Math.fround(t) === t && lower <= t && t < upper;
    }),
    { numRuns: 20_000 },
  );
});

test("splitThreshold: adjacent float32 values (the midpoint rounds up to the upper one) give the lower", () => {
  const lower = 1 + 2 ** -23; // odd last mantissa bit: the tie rounds to the even upper neighbour
  const upper = 1 + 2 ** -22;
  assert.is(Math.fround(lower / 2 + upper / 2), upper, "round-half-even lands on the upper value here");
  assert.is(splitThreshold(lower, upper), lower);
  assert.is(splitThreshold(0.5, 1), 0.75);
  assert.is(splitThreshold(3, Number.NaN), 3, "missing values sort last and go right");
  assert.is(splitThreshold(5, Number.POSITIVE_INFINITY), 5);
});

test("strictBoundToThreshold: x <= t exactly when x < bound, for float32 x", () => {
  fc.assert(
    fc.property(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }),
      float32,
      (bound, x) => {
        const t = strictBoundToThreshold(bound);
        return Math.fround(t) === t && x <= t === x < bound;
      },
    ),
    { numRuns: 20_000 },
  );
  // ml-cart's split values are means of two float32 values: exercise both sides of them.
  fc.assert(
    fc.property(float32, float32, (a, b) => {
      const bound = (a + b) / 2;
      const t = strictBoundToThreshold(bound);
      return [a, b, Math.fround(bound), previousFloat32(Math.fround(bound))].every(
        (x) => x <= t === x < bound,
      );
    }),
    { numRuns: 20_000 },
  );
});

test.run();
