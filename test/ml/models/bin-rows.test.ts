import { test } from "uvu";
import * as assert from "uvu/assert";
import { MISSING_BIN } from "../../../src/ml/models/hist/bin-limits.js";
import { binOf, binRows } from "../../../src/ml/models/hist/bin-rows.js";
import { columnMajor, rowMajor, transposeToColumns } from "../../../src/ml/models/hist/matrix-layout.js";
import { createRandom } from "../../../src/ml/random.js";

const SPECIAL = [0, -0, Infinity, -Infinity, Number.NaN, 1.4e-45, -1.4e-45, 3.4028234663852886e38, -1, 0.5];

/** A float32 from its bits. */
function fromBits(bits: number): number {
  return new Float32Array(Uint32Array.of(bits >>> 0).buffer)[0] as number;
}
const bitsOf = (value: number) => new Uint32Array(Float32Array.of(value).buffer)[0] as number;

/**
 * Values crowding a few float32s (within a few ulps, one 16-bit key prefix, anywhere), NaNs of every payload,
 * both zeros and the extremes; cuts drawn from them (−0 among them), ascending and distinct as cutPoints makes
 * them, and the values include every cut and its two neighbouring floats.
 */
function adversarial(seed: number): { cuts: Float32Array; values: Float32Array } {
  const random = createRandom(seed, 7);
  const word = () => Math.floor(random.next() * 2 ** 32);
  const centre = word();
  const pool: number[] = [];
  for (let i = 0; i < 80; i++) {
    const kind = Math.floor(random.next() * 4);
    if (kind === 0) pool.push(SPECIAL[Math.floor(random.next() * SPECIAL.length)] as number);
    else if (kind === 1) pool.push(fromBits(centre + Math.floor(random.next() * 600) - 300));
    else if (kind === 2) pool.push(fromBits((centre & 0xffff0000) | (word() & 0xffff)));
    else pool.push(fromBits(word()));
  }
  const candidates = pool
    .filter((value) => !Number.isNaN(value) && value !== Number.POSITIVE_INFINITY)
    .slice(0, Math.floor(random.next() * 60))
    .sort((a, b) => a - b);
  const cuts = Float32Array.from(
    candidates.filter((value, i) => i === 0 || value > (candidates[i - 1] as number)),
  );
  const neighbours = [...cuts].flatMap((cut) => [fromBits(bitsOf(cut) + 1), fromBits(bitsOf(cut) - 1)]);
  return { cuts, values: Float32Array.from([...pool, ...cuts, ...neighbours]) };
}

test("binRows: every value's bin is binOf's (a binary search), row- and column-major, on adversarial cuts", () => {
  for (let seed = 0; seed < 400; seed++) {
    const { cuts, values } = adversarial(seed);
    const bins = new Uint8Array(values.length);
    const columns = new Uint8Array(values.length);
    binRows(values, rowMajor(1), 1, [cuts], bins, columns, 0, values.length);
    values.forEach((value, i) => {
      const expected = binOf(cuts, value);
      assert.is(
        bins[i],
        expected,
        `seed ${seed}: ${value} (bits ${bitsOf(value).toString(16)}), cuts ${cuts}`,
      );
      assert.is(columns[i], expected);
    });
  }
});

for (const layout of ["row-major", "column-major"])
  test(`binRows: a block of rows of several features (${layout}) leaves the other rows alone`, () => {
    const features = 3;
    const rows = 9000;
    const x = Float32Array.from({ length: rows * features }, (_, i) =>
      i % 7 === 0 ? Number.NaN : ((i * 37) % 11) + (i % 3) / 3,
    );
    const thresholds = [Float32Array.of(2.5, 5), Float32Array.of(-0), Float32Array.of(1, 2, 3, 4, 5, 6, 7)];
    const bins = new Uint8Array(rows * features).fill(99);
    const columns = new Uint8Array(rows * features).fill(99);
    const [from, to] = [10, 8500];
    if (layout === "row-major") binRows(x, rowMajor(features), features, thresholds, bins, columns, from, to);
    else {
      const byColumn = new Float32Array(x.length);
      transposeToColumns(x, rows, features, byColumn);
      binRows(byColumn, columnMajor(rows), features, thresholds, bins, columns, from, to);
    }
    for (let row = 0; row < rows; row++)
      for (let f = 0; f < features; f++) {
        const inside = row >= from && row < to;
        const value = x[row * features + f] as number;
        const expected = inside ? binOf(thresholds[f] as Float32Array, value) : 99;
        assert.is(bins[row * features + f], expected);
        assert.is(columns[f * rows + row], expected);
        if (inside && Number.isNaN(value)) assert.is(expected, MISSING_BIN);
      }
  });

test.run();
