import { test } from "uvu";
import * as assert from "uvu/assert";
import { splitThreshold } from "../../../src/ml/models/float32.js";
import { CutScratch, featureCuts } from "../../../src/ml/models/hist/feature-cuts.js";
import { columnMajor, rowMajor, transposeToColumns } from "../../../src/ml/models/hist/matrix-layout.js";
import { createRandom } from "../../../src/ml/random.js";

/** The rule of bin-mapper.ts the plain way: the sampled values sorted by the built-in sort, cuts from them. */
function referenceCuts(values: Float32Array, maxBins: number): Float32Array {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort();
  const n = sorted.length;
  if (n === 0) return new Float32Array(0);
  const cuts: number[] = [];
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++)
      if (sorted[i] !== sorted[i - 1])
        cuts.push(splitThreshold(sorted[i - 1] as number, sorted[i] as number));
    return Float32Array.from(cuts);
  }
  for (let k = 1; k < maxBins; k++) {
    const position = Math.floor((k * n) / maxBins);
    let next = position + 1;
    while (next < n && sorted[next] === sorted[position]) next++;
    if (next >= n) break;
    const cut = splitThreshold(sorted[position] as number, sorted[next] as number);
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] as number)) cuts.push(cut);
  }
  return Float32Array.from(cuts);
}

const SPECIAL = [0, -0, Infinity, -Infinity, Number.NaN, 1.4e-45, -1.4e-45, 3.4028234663852886e38, -1];
const bytes = (array: Float32Array) => [...new Uint8Array(array.buffer, array.byteOffset, array.byteLength)];

/**
 * n values of one of several shapes: few distinct values (codes, ±0 both), long runs of one value spanning
 * quantile positions, mostly zeros of both signs, continuous with specials (±∞, NaN, subnormals) mixed in.
 */
function values(n: number, shape: number, seed: number): Float32Array {
  const random = createRandom(seed, 11);
  const pick = () => random.next();
  const codes = Array.from({ length: 1 + Math.floor(pick() * 300) }, (_, i) => (i % 3 === 0 ? -i : i) / 4);
  return Float32Array.from({ length: n }, () => {
    const r = pick();
    if (shape === 0) return codes[Math.floor(pick() * codes.length)] as number;
    if (shape === 1) return r < 0.6 ? 7 : r < 0.7 ? -0 : Math.floor(pick() * 1000);
    if (shape === 2) return r < 0.45 ? -0 : r < 0.9 ? 0 : r < 0.95 ? Number.NaN : pick() - 0.5;
    if (r < 0.05) return SPECIAL[Math.floor(pick() * SPECIAL.length)] as number;
    return (pick() - 0.3) * 10 ** Math.floor(pick() * 6 - 3);
  });
}

test("featureCuts: the same bytes as the sort-based rule (runs across quantiles, ±0, ±∞, NaN, few values, tiny n)", () => {
  let cases = 0;
  for (const n of [0, 1, 2, 3, 10, 256, 257, 1000, 5000, 30_000])
    for (let shape = 0; shape < 4; shape++)
      for (const maxBins of [2, 3, 16, 64, 255, 254, 100]) {
        const features = 3;
        const column = values(n, shape, n * 31 + shape * 7 + maxBins);
        // Feature 1 of a 3-feature row-major matrix, the others noise.
        const x = new Float32Array(n * features).fill(Number.NaN);
        column.forEach((value, row) => {
          x[row * features + 1] = value;
        });
        const sample = Uint32Array.from({ length: n }, (_, i) => i);
        const expected = referenceCuts(column, maxBins);
        const found = featureCuts(x, rowMajor(features), 1, sample, maxBins, new CutScratch(n));
        assert.equal(bytes(found), bytes(expected), `n ${n}, shape ${shape}, maxBins ${maxBins}`);
        const columns = new Float32Array(x.length);
        transposeToColumns(x, n, features, columns);
        const fromColumns = featureCuts(columns, columnMajor(n), 1, sample, maxBins, new CutScratch(n));
        assert.equal(bytes(fromColumns), bytes(expected), `column-major: n ${n}, shape ${shape}`);
        cases++;
      }
  assert.is(cases, 280);
});

test("featureCuts: only the sample rows are read, in any scratch reused across features", () => {
  const rows = 9000;
  const features = 2;
  const x = Float32Array.from({ length: rows * features }, (_, i) => ((i * 7919) % 1009) - (i % 2) * 500);
  const sample = Uint32Array.from({ length: 4000 }, (_, i) => (i * 13) % rows).sort();
  const scratch = new CutScratch(sample.length);
  for (let f = 0; f < features; f++) {
    const column = Float32Array.from(sample, (row) => x[row * features + f] as number);
    const found = featureCuts(x, rowMajor(features), f, sample, 255, scratch);
    assert.equal(bytes(found), bytes(referenceCuts(column, 255)));
  }
});

test.run();
