import { test } from "uvu";
import * as assert from "uvu/assert";
import { sortFloat32, sortFloat64 } from "../../src/ml/sort-floats.js";

/** Values with negatives, ±0, duplicates, subnormals, extremes and ±Infinity, from a fixed seed. */
function mixed(n: number, seed: number): number[] {
  const special = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-310, -1e-310, 1.5e-45, 3e38];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const pick = seed % 10;
    values.push(
      pick === 0
        ? (special[seed % special.length] as number)
        : pick < 4
          ? (seed % 50) - 25
          : (seed / 2 ** 31 - 0.5) * 10 ** ((seed % 40) - 20),
    );
  }
  return values;
}

const bytes = (array: Float32Array | Float64Array) => [...new Uint8Array(array.buffer)];

for (const n of [0, 1, 100, 5000, 70_000]) {
  test(`sortFloat32 and sortFloat64 order ${n} values exactly as TypedArray.prototype.sort (−0 before +0)`, () => {
    const values = mixed(n, n + 3);
    assert.equal(bytes(sortFloat32(Float32Array.from(values))), bytes(Float32Array.from(values).sort()));
    assert.equal(bytes(sortFloat64(Float64Array.from(values))), bytes(Float64Array.from(values).sort()));
  });
}

test("a subarray is sorted in place, its neighbours untouched", () => {
  const values = Float64Array.from(mixed(10_000, 9));
  const copy = values.slice();
  sortFloat64(values.subarray(1000, 9000));
  assert.equal([...values.subarray(0, 1000)], [...copy.subarray(0, 1000)]);
  assert.equal(bytes(values.slice(1000, 9000)), bytes(copy.slice(1000, 9000).sort()));
});

test.run();
