// The training matrix as the histogram learners read it: every feature quantised once per fit to at most 255
// bins, one byte per value, row-major (a row's bins share a cache line: a histogram pass reads each row once).
// Bin b of feature f holds the values x with
//     thresholds[f][b − 1] < x <= thresholds[f][b]
// so "bin <= b" is exactly the exported split "x <= thresholds[f][b]" (float32 against float32: onnxruntime takes
// the branch training did). Missing values (NaN) get a bin of their own, MISSING_BIN, above every value bin.
//
// Cut points come from a quantile sketch on a seeded sample of the rows (scikit-learn's HistGradientBoosting and
// LightGBM do the same): with at most 255 distinct sampled values every value has its own bin, else the cuts sit
// at evenly spaced quantiles, between two adjacent distinct values (scikit-learn's midpoint rule).
import { createRandom } from "../../random.js";
import { sortFloat32 } from "../../sort-floats.js";
import { splitThreshold } from "../float32.js";

/** The bin of missing values, whatever the feature's number of value bins. */
export const MISSING_BIN = 255;
/** Value bins per feature, at most (bins 0 … 254; 255 is MISSING_BIN). */
export const MAX_BINS = 255;
/** Rows the cut points are computed from (LightGBM's bin_construct_sample_cnt, scikit-learn's subsample). */
export const SKETCH_SAMPLE_ROWS = 200_000;

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** rows × features, row-major (row i's bins at [i·features, (i+1)·features)). */
  bins: Uint8Array;
  /** Per feature, its ascending float32 cut points; the feature has thresholds.length + 1 value bins. */
  thresholds: Float32Array[];
}

export interface BinningOptions {
  /** Value bins per feature, 2 … 255. */
  maxBins?: number;
  /** Seeds the sample the cut points come from (only drawn when rows exceed the sample size). */
  seed?: number;
  sampleRows?: number;
  /** Where to put the bins, e.g. a SharedArrayBuffer-backed array for worker threads; features × rows bytes. */
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
  const values = new Float32Array(sample.length);
  const thresholds = Array.from({ length: features }, (_, f) =>
    featureCuts(x, features, f, sample, maxBins, values),
  );
  binRows(x, features, thresholds, bins, 0, rows);
  return { rows, features, bins, thresholds };
}

/** The cut points of feature f, from the `sample` rows of x (`values`: scratch of sample.length). */
export function featureCuts(
  x: Float32Array,
  features: number,
  f: number,
  sample: Uint32Array,
  maxBins: number,
  values: Float32Array,
): Float32Array {
  let present = 0;
  for (let s = 0; s < sample.length; s++) {
    const value = x[(sample[s] as number) * features + f] as number;
    if (!Number.isNaN(value)) values[present++] = value;
  }
  return cutPoints(sortFloat32(values.subarray(0, present)), maxBins);
}

/** Bins the rows [from, to) of x into `bins` (same layout). */
export function binRows(
  x: Float32Array,
  features: number,
  thresholds: Float32Array[],
  bins: Uint8Array,
  from: number,
  to: number,
): void {
  for (let at = from * features, end = to * features; at < end; )
    for (let f = 0; f < features; f++, at++) bins[at] = binOf(thresholds[f] as Float32Array, x[at] as number);
}

/** The bin of `value` given a feature's cut points: the first b with value <= cuts[b]. */
export function binOf(cuts: Float32Array, value: number): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (cuts[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Ascending cut points for sorted, NaN-free `sorted`: at most maxBins − 1 of them. */
function cutPoints(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length;
  if (n === 0) return new Float32Array(0);
  // Distinct values first: few of them (categorical codes, flags) get one bin each.
  const distinct: number[] = [];
  const endOf: number[] = []; // position after the last copy of each distinct value
  for (let i = 0; i < n; i++) {
    const value = sorted[i] as number;
    if (distinct.length === 0 || value !== distinct[distinct.length - 1]) {
      if (distinct.length > 0) endOf.push(i);
      distinct.push(value);
    }
  }
  endOf.push(n);
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let d = 0; d + 1 < distinct.length; d++)
      cuts.push(splitThreshold(distinct[d] as number, distinct[d + 1] as number));
    return Float32Array.from(cuts);
  }
  // Quantiles: cut after the distinct value holding the k/maxBins quantile, never twice at one place.
  let d = 0;
  for (let k = 1; k < maxBins; k++) {
    const position = Math.floor((k * n) / maxBins);
    while ((endOf[d] as number) <= position) d++;
    if (d + 1 >= distinct.length) break;
    const cut = splitThreshold(distinct[d] as number, distinct[d + 1] as number);
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] as number)) cuts.push(cut);
  }
  return Float32Array.from(cuts);
}

/** Every row when there are at most `size`, else `size` distinct rows drawn with `seed`, ascending. */
function sampleIndices(rows: number, size: number, seed: number): Uint32Array {
  if (rows <= size) return Uint32Array.from({ length: rows }, (_, i) => i);
  // Selection sampling (Knuth's algorithm S): one pass, ascending, exactly `size` rows.
  const random = createRandom(seed, 0x62696e73);
  const picked = new Uint32Array(size);
  let chosen = 0;
  for (let i = 0; i < rows && chosen < size; i++)
    if (random.next() * (rows - i) < size - chosen) picked[chosen++] = i;
  return picked;
}
