// The best split of one feature from its histogram: a scan over the value bins with running sums, the missing
// values' bin tried on either side when `missingLeft` is allowed. Same gain as the exact learner (grow-tree.ts):
//     proxy = Σ_d A_Ld² / (B_L + λ) + Σ_d A_Rd² / (B_R + λ)
import { splitProxy } from "../split-gain.js";
import { MISSING_BIN } from "./bin-mapper.js";

export interface SplitLimits {
  /** D: channels 0 … D−1 hold A, channel D holds B, channel D+1 the row count when `counted`. */
  outputs: number;
  channels: number;
  counted: boolean;
  minSamplesLeaf: number;
  minChildWeight: number;
  lambda: number;
  /** Whether missing values may go left (the exported tree format must be able to say so). */
  allowMissingLeft: boolean;
}

export interface SplitCandidate {
  proxy: number;
  /** Rows with bin <= bin go left. */
  bin: number;
  missingLeft: boolean;
  /** The left child's sums: A (length D), B and row count (when counted). */
  leftA: Float64Array;
  leftB: number;
  leftCount: number;
}

/** Copies a candidate's split and left sums into `to`. */
export function copyCandidate(from: SplitCandidate, to: SplitCandidate): void {
  to.proxy = from.proxy;
  to.bin = from.bin;
  to.missingLeft = from.missingLeft;
  to.leftA.set(from.leftA);
  to.leftB = from.leftB;
  to.leftCount = from.leftCount;
}

/** A node's rows when it keeps no histogram: what scanRows reads, and its scratch. */
export interface NodeRows {
  bins: Uint8Array;
  features: number;
  /** The node's rows, ascending, in [0, count). */
  index: Uint32Array;
  count: number;
  values: Float64Array;
  keys: Uint32Array;
  missingA: Float64Array;
}

/** One feature's best split of a node: from the node's histogram when it has one, else from its rows. */
export function scanNodeFeature(
  histogram: Float64Array | undefined,
  offset: number,
  valueBins: number,
  feature: number,
  rows: NodeRows,
  totalA: Float64Array,
  totalB: number,
  limits: SplitLimits,
  running: Float64Array,
  best: SplitCandidate,
): boolean {
  return histogram === undefined
    ? scanRows(
        rows.bins,
        rows.features,
        feature,
        rows.index,
        0,
        rows.count,
        rows.values,
        totalA,
        totalB,
        limits,
        rows.keys,
        rows.missingA,
        running,
        best,
      )
    : scanFeature(histogram, offset, valueBins, totalA, totalB, rows.count, limits, running, best);
}

/** A candidate that any split beats, with its own left sums. */
export function emptyCandidate(outputs: number): SplitCandidate {
  return { proxy: 0, bin: 0, missingLeft: false, leftA: new Float64Array(outputs), leftB: 0, leftCount: 0 };
}

/**
 * Looks for a split of one feature better than `best` (proxy above best.proxy); overwrites `best` and answers
 * true when it finds one. `histogram[offset + bin·channels + c]`; the node's totals are `totalA`, `totalB`,
 * `totalCount`; the feature has `valueBins` value bins. `running` is scratch space of length D.
 */
export function scanFeature(
  histogram: Float64Array,
  offset: number,
  valueBins: number,
  totalA: Float64Array,
  totalB: number,
  totalCount: number,
  limits: SplitLimits,
  running: Float64Array,
  best: SplitCandidate,
): boolean {
  const { outputs, channels, counted, minSamplesLeaf, minChildWeight, lambda } = limits;
  if (outputs === 1 && !counted)
    return scanSingleOutput(histogram, offset, valueBins, totalA[0] as number, totalB, limits, best);
  const missingAt = offset + MISSING_BIN * channels;
  const missingB = histogram[missingAt + outputs] as number;
  const hasMissing = missingB > 0 || (counted && (histogram[missingAt + outputs + 1] as number) > 0);
  const directions = hasMissing && limits.allowMissingLeft ? 2 : 1;
  let improved = false;
  for (let direction = 0; direction < directions; direction++) {
    const missingLeft = direction === 1;
    let leftB = 0;
    let leftCount = 0;
    for (let d = 0; d < outputs; d++) running[d] = missingLeft ? (histogram[missingAt + d] as number) : 0;
    if (missingLeft) {
      leftB = missingB;
      leftCount = counted ? (histogram[missingAt + outputs + 1] as number) : 0;
    }
    // After a new best at bin b, following empty bins make the same split: the cut moves to the middle of
    // that gap (as the exact learner cuts midway between the node's adjacent values).
    let gapFrom = -1;
    for (let bin = 0; bin + 1 < valueBins; bin++) {
      const at = offset + bin * channels;
      if (gapFrom >= 0) {
        if (histogram[at + outputs] === 0 && (!counted || histogram[at + outputs + 1] === 0)) {
          best.bin = (gapFrom + bin) >>> 1;
          continue;
        }
        gapFrom = -1;
      }
      for (let d = 0; d < outputs; d++) running[d] = (running[d] as number) + (histogram[at + d] as number);
      leftB += histogram[at + outputs] as number;
      if (counted) leftCount += histogram[at + outputs + 1] as number;
      const rightB = totalB - leftB;
      if (counted) {
        if (leftCount < minSamplesLeaf) continue;
        if (totalCount - leftCount < minSamplesLeaf) break;
      } else {
        if (!(leftB > 0)) continue;
        if (!(rightB > 0)) break;
      }
      if (leftB < minChildWeight || rightB < minChildWeight) continue;
      let leftSquares = 0;
      let rightSquares = 0;
      for (let d = 0; d < outputs; d++) {
        const la = running[d] as number;
        const ra = (totalA[d] as number) - la;
        leftSquares += la * la;
        rightSquares += ra * ra;
      }
      const proxy = splitProxy(leftSquares, leftB, rightSquares, rightB, lambda);
      if (proxy > best.proxy) {
        best.proxy = proxy;
        best.bin = bin;
        best.missingLeft = missingLeft;
        best.leftA.set(running);
        best.leftB = leftB;
        best.leftCount = leftCount;
        improved = true;
        gapFrom = bin;
      }
    }
  }
  return improved;
}

/**
 * scanFeature for boosting's histograms (one output, channels A and B, no row count): the same candidates and
 * floats without the loops over outputs, on the path every node of every tree takes.
 */
function scanSingleOutput(
  histogram: Float64Array,
  offset: number,
  valueBins: number,
  totalA: number,
  totalB: number,
  limits: SplitLimits,
  best: SplitCandidate,
): boolean {
  const { minChildWeight, lambda } = limits;
  const missingAt = offset + 2 * MISSING_BIN;
  const missingA = histogram[missingAt] as number;
  const missingB = histogram[missingAt + 1] as number;
  const directions = missingB > 0 && limits.allowMissingLeft ? 2 : 1;
  let improved = false;
  for (let direction = 0; direction < directions; direction++) {
    const missingLeft = direction === 1;
    let leftA = missingLeft ? missingA : 0;
    let leftB = missingLeft ? missingB : 0;
    let gapFrom = -1;
    for (let bin = 0, at = offset; bin + 1 < valueBins; bin++, at += 2) {
      const binB = histogram[at + 1] as number;
      if (gapFrom >= 0) {
        if (binB === 0) {
          best.bin = (gapFrom + bin) >>> 1;
          continue;
        }
        gapFrom = -1;
      }
      leftA += histogram[at] as number;
      leftB += binB;
      const rightB = totalB - leftB;
      if (!(leftB > 0)) continue;
      if (!(rightB > 0)) break;
      if (leftB < minChildWeight || rightB < minChildWeight) continue;
      const rightA = totalA - leftA;
      const proxy = splitProxy(leftA * leftA, leftB, rightA * rightA, rightB, lambda);
      if (proxy > best.proxy) {
        best.proxy = proxy;
        best.bin = bin;
        best.missingLeft = missingLeft;
        best.leftA[0] = leftA;
        best.leftB = leftB;
        best.leftCount = 0;
        improved = true;
        gapFrom = bin;
      }
    }
  }
  return improved;
}

/** Per thread (each has its own module instance): sortByBin's bins of the rows, and rows per bin. */
let rowBins = new Uint8Array(256);
const binStarts = new Int32Array(MISSING_BIN + 2);

/**
 * keys[0 … n) = bin · 65536 + k for the rows index[from + k], ascending: a counting sort by bin (stable, so k
 * ascending within a bin), the order TypedArray.sort gives those keys at a fraction of its cost.
 */
function sortByBin(
  bins: Uint8Array,
  features: number,
  feature: number,
  index: Uint32Array,
  from: number,
  n: number,
  keys: Uint32Array,
): void {
  if (rowBins.length < n) rowBins = new Uint8Array(2 * n);
  binStarts.fill(0);
  for (let k = 0; k < n; k++) {
    const bin = bins[(index[from + k] as number) * features + feature] as number;
    rowBins[k] = bin;
    binStarts[bin + 1] = (binStarts[bin + 1] as number) + 1;
  }
  for (let bin = 1; bin < binStarts.length; bin++)
    binStarts[bin] = (binStarts[bin] as number) + (binStarts[bin - 1] as number);
  for (let k = 0; k < n; k++) {
    const bin = rowBins[k] as number;
    const at = binStarts[bin] as number;
    binStarts[bin] = at + 1;
    keys[at] = bin * 65536 + k;
  }
}

/**
 * scanFeature for a node too small to keep a histogram: its rows sorted by bin instead (keys is scratch space
 * of at least to − from entries, and the node must have fewer than 65,536 rows). Same candidates, same choice
 * of cut inside a gap of empty bins, so both paths grow the same tree.
 */
export function scanRows(
  bins: Uint8Array,
  features: number,
  feature: number,
  index: Uint32Array,
  from: number,
  to: number,
  values: Float64Array,
  totalA: Float64Array,
  totalB: number,
  limits: SplitLimits,
  keys: Uint32Array,
  missingA: Float64Array,
  running: Float64Array,
  best: SplitCandidate,
): boolean {
  const { outputs, channels, counted, minSamplesLeaf, minChildWeight, lambda } = limits;
  const n = to - from;
  const totalCount = n;
  const sorted = keys;
  sortByBin(bins, features, feature, index, from, n, sorted);
  // Missing rows sort last.
  let present = n;
  missingA.fill(0);
  let missingB = 0;
  while (present > 0 && (sorted[present - 1] as number) >>> 16 === MISSING_BIN) {
    present--;
    const at = (index[from + ((sorted[present] as number) & 0xffff)] as number) * channels;
    for (let d = 0; d < outputs; d++) missingA[d] = (missingA[d] as number) + (values[at + d] as number);
    missingB += values[at + outputs] as number;
  }
  const missingCount = n - present;
  const directions = missingCount > 0 && limits.allowMissingLeft ? 2 : 1;
  let improved = false;
  for (let direction = 0; direction < directions; direction++) {
    const missingLeft = direction === 1;
    running.set(missingLeft ? missingA : running.fill(0));
    let leftB = missingLeft ? missingB : 0;
    let leftCount = missingLeft ? missingCount : 0;
    for (let k = 0; k + 1 < present; k++) {
      const key = sorted[k] as number;
      const at = (index[from + (key & 0xffff)] as number) * channels;
      for (let d = 0; d < outputs; d++) running[d] = (running[d] as number) + (values[at + d] as number);
      leftB += values[at + outputs] as number;
      leftCount++;
      const bin = key >>> 16;
      const nextBin = (sorted[k + 1] as number) >>> 16;
      if (nextBin === bin) continue;
      const rightB = totalB - leftB;
      if (counted) {
        if (leftCount < minSamplesLeaf) continue;
        if (totalCount - leftCount < minSamplesLeaf) break;
      } else {
        if (!(leftB > 0)) continue;
        if (!(rightB > 0)) break;
      }
      if (leftB < minChildWeight || rightB < minChildWeight) continue;
      let leftSquares = 0;
      let rightSquares = 0;
      for (let d = 0; d < outputs; d++) {
        const la = running[d] as number;
        const ra = (totalA[d] as number) - la;
        leftSquares += la * la;
        rightSquares += ra * ra;
      }
      const proxy = splitProxy(leftSquares, leftB, rightSquares, rightB, lambda);
      if (proxy > best.proxy) {
        best.proxy = proxy;
        best.bin = (bin + nextBin - 1) >>> 1;
        best.missingLeft = missingLeft;
        best.leftA.set(running);
        best.leftB = leftB;
        best.leftCount = counted ? leftCount : 0;
        improved = true;
      }
    }
  }
  return improved;
}
