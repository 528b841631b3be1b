// The training matrix as the histogram learners read it: every feature quantised once per fit to at most 255
// bins, one byte per value, row-major (a row's bins share a cache line: a histogram pass reads each row once).
// Bin b of feature f holds the values x with
//     thresholds[f][b − 1] < x <= thresholds[f][b]
// so "bin <= b" is exactly the exported split "x <= thresholds[f][b]" (float32 against float32: onnxruntime takes
// the branch training did). Missing values (NaN) get a bin of their own, MISSING_BIN, above every value bin.
//
// Cut points come from quantiles of the rows, of a seeded sample of them beyond SKETCH_SAMPLE_ROWS (as
// scikit-learn's HistGradientBoosting and LightGBM sample): with at most 255 distinct sampled values every value
// has its own bin, else the cuts sit
// at evenly spaced quantiles, between two adjacent distinct values (scikit-learn's midpoint rule).
import { createRandom } from "../../random.js";
import { MAX_BINS } from "./bin-limits.js";
import { binRows } from "./bin-rows.js";
import { blockCuts, CutScratch } from "./feature-cuts.js";
import { rowMajor } from "./matrix-layout.js";

export { MAX_BINS, MISSING_BIN } from "./bin-limits.js";
/**
 * Rows the cut points are computed from: all of them up to a million (as XGBoost's sketch reads every row), a
 * seeded sample of a million beyond. LightGBM's and scikit-learn's 200,000 left bins of uneven size at 1,000,000
 * rows (a sampled quantile's rank is off by ~±1,100 rows in bins of ~3,900) and cost gbt test MSE: Friedman #1,
 * 1M rows × 20 features, 10 data draws, ours − XGBoost hist +0.0047 ± 0.0016 with 200,000, +0.0013 ± 0.0023
 * with every row, for about the same fit time.
 */
export const SKETCH_SAMPLE_ROWS = 1_000_000;

/**
 * Features whose cut points binColumns gathers together (blockCuts), each with its own sample-sized key buffer
 * (4 MB at a million rows).
 */
const CUT_BLOCK = 4;

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** rows × features, row-major (row i's bins at [i·features, (i+1)·features)). */
  bins: Uint8Array;
  /**
   * The same bins column-major (feature f's at [f·rows, (f+1)·rows)): a partition reads one feature of rows
   * spread over the whole matrix, and a column is 1/features of the memory to keep in cache.
   */
  columns: Uint8Array;
  /** Per feature, its ascending float32 cut points; the feature has thresholds.length + 1 value bins. */
  thresholds: Float32Array[];
}

export interface BinningOptions {
  /** Value bins per feature, 2 … 255. */
  maxBins?: number;
  /** Seeds the sample the cut points come from (only drawn when rows exceed the sample size). */
  seed?: number;
  sampleRows?: number;
  /**
   * Where to put the bins, e.g. a SharedArrayBuffer-backed array for worker threads; features × rows bytes.
   * The column-major copy then goes to the same kind of memory.
   */
  into?: Uint8Array;
}

/** The rows the cut points come from. */
export function sketchSample(rows: number, options: BinningOptions): Uint32Array {
  return sampleIndices(rows, options.sampleRows ?? SKETCH_SAMPLE_ROWS, options.seed ?? 0);
}

/** The value bins of `maxBins` as given (2 … 255, default 255). */
export function valueBins(options: BinningOptions): number {
  return Math.max(2, Math.min(MAX_BINS, options.maxBins ?? MAX_BINS));
}

/** `x` is row-major float32, rows × features. */
export function binColumns(
  x: Float32Array,
  rows: number,
  features: number,
  options: BinningOptions = {},
): BinnedMatrix {
  const maxBins = valueBins(options);
  const sample = sketchSample(rows, options);
  const bins = options.into ?? new Uint8Array(features * rows);
  if (bins.length !== features * rows) throw new RangeError("bins: expected features × rows bytes");
  const columns = new Uint8Array(
    bins.buffer instanceof SharedArrayBuffer
      ? new SharedArrayBuffer(bins.length)
      : new ArrayBuffer(bins.length),
  );
  const scratch = new CutScratch(sample.length, Math.min(features, CUT_BLOCK));
  const layout = rowMajor(features);
  const thresholds: Float32Array[] = [];
  for (let f = 0; f < features; f += CUT_BLOCK)
    thresholds.push(...blockCuts(x, layout, f, Math.min(features, f + CUT_BLOCK), sample, maxBins, scratch));
  binRows(x, layout, features, thresholds, bins, columns, 0, rows);
  return { rows, features, bins, columns, thresholds };
}

/** Every row when there are at most `size`, else `size` distinct rows drawn with `seed`, ascending. */
function sampleIndices(rows: number, size: number, seed: number): Uint32Array {
  if (rows <= size) {
    const every = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) every[i] = i;
    return every;
  }
  // Selection sampling (Knuth's algorithm S): one pass, ascending, exactly `size` rows.
  const random = createRandom(seed, 0x62696e73);
  const picked = new Uint32Array(size);
  let chosen = 0;
  for (let i = 0; i < rows && chosen < size; i++)
    if (random.next() * (rows - i) < size - chosen) picked[chosen++] = i;
  return picked;
}
