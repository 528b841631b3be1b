import { test } from "uvu";
import * as assert from "uvu/assert";
import { MISSING_BIN } from "../../../src/ml/models/hist/bin-mapper.js";
import { HISTOGRAM_BINS } from "../../../src/ml/models/hist/histogram.js";
import { boostingHistogram, MAX_UNROLLED_FEATURES } from "../../../src/ml/models/hist/histogram-kernel.js";
import { partitionKernel } from "../../../src/ml/models/hist/partition-kernel.js";
import { createRandom } from "../../../src/ml/random.js";

const random = createRandom(7);
const binsOf = (count: number) =>
  Uint8Array.from({ length: count }, () => (random.next() < 0.05 ? MISSING_BIN : random.int(MISSING_BIN)));

test("histogram kernel: the same floats as a loop over rows and features, past the unrolled length and from a feature offset", () => {
  const rows = 3000;
  const features = MAX_UNROLLED_FEATURES + 9;
  const bins = binsOf(rows * features);
  const values = Float64Array.from({ length: 2 * rows }, () => random.next() - 0.3);
  const index = Uint32Array.from({ length: rows }, (_, i) => i).filter(() => random.next() < 0.6);
  const segments = Int32Array.of(0, 100, 250, index.length);
  const first = 3;
  const count = features - first;
  const at = 2 * HISTOGRAM_BINS * 2;
  const stride = HISTOGRAM_BINS * 2;
  const got = new Float64Array(at + count * stride).fill(Number.NaN);
  boostingHistogram(bins, values, features, index, segments, first, count, got, at);
  const expected = new Float64Array(got.length).fill(Number.NaN);
  expected.fill(0, at);
  for (let s = 0; s < segments.length; s += 2)
    for (let p = segments[s] as number; p < (segments[s + 1] as number); p++) {
      const row = index[p] as number;
      for (let k = 0; k < count; k++) {
        const i = at + k * stride + 2 * (bins[row * features + first + k] as number);
        expected[i] = (expected[i] as number) + (values[2 * row] as number);
        expected[i + 1] = (expected[i + 1] as number) + (values[2 * row + 1] as number);
      }
    }
  assert.equal(Array.from(got.subarray(at)), Array.from(expected.subarray(at)));
  assert.ok(got.subarray(0, at).every(Number.isNaN), "nothing written before `at`");
});

test("partition kernel: a stable partition by bin <= split bin, missing values on the side asked, in shared memory or not, long segments or short", () => {
  const rows = 5000;
  const features = 3;
  const columns = binsOf(rows * features);
  const uint32 = (shared: boolean) =>
    new Uint32Array(shared ? new SharedArrayBuffer(4 * rows) : new ArrayBuffer(4 * rows));
  for (const [missingLeft, shared, from, to] of [
    [0, false, 1000, 4000],
    [1, false, 1000, 4000],
    [1, true, 1000, 4000],
    [0, false, 10, 300],
    [0, true, 10, 300],
  ] as const) {
    const index = uint32(shared);
    for (let i = 0; i < rows; i++) index[i] = i;
    const scratch = uint32(shared);
    const partition = partitionKernel(index, scratch, columns);
    const feature = 1;
    const splitBin = 117;
    const rowsBefore = Array.from(index.subarray(from, to));
    const goesLeft = (row: number) => {
      const bin = columns[feature * rows + row] as number;
      return bin === MISSING_BIN ? missingLeft === 1 : bin <= splitBin;
    };
    const middle = partition(feature * rows, splitBin, missingLeft, from, to);
    const left = rowsBefore.filter(goesLeft);
    const right = rowsBefore.filter((row) => !goesLeft(row));
    assert.is(middle, from + left.length);
    assert.equal(Array.from(index.subarray(from, to)), [...left, ...right]);
    assert.equal(index[from - 1], from - 1, "rows outside the segment stay");
    assert.equal(index[to], to);
  }
});

test.run();
