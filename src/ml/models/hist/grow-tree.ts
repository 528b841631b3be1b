// Histogram-based tree growth (the design of XGBoost's `hist`, LightGBM and scikit-learn's
// HistGradientBoosting), with the criterion, parameters and output of the exact learner (../grow-tree.ts):
//   - rows are kept as one index array; a node owns a contiguous range of it, partitioned stably (rows stay in
//     ascending order, so the column reads of a histogram pass move forward through memory);
//   - a node's split comes from its histogram (per feature and bin: Σ w·a, Σ w·b), a scan over ≤ 256 bins;
//   - depth-wise: the nodes of one level are split together; of two children only the smaller one's histogram
//     is built from rows, the larger one's is the parent's minus it (in the parent's buffer).
// Histogram passes go through a HistogramBuilder, which may spread feature blocks over worker threads.
import type { Random } from "../../random.js";
import type { GrownTree, GrowthParams, GrowthTargets } from "../grow-tree.js";
import { type BinnedMatrix, MISSING_BIN } from "./bin-mapper.js";
import { HISTOGRAM_BINS, histogramLength } from "./histogram.js";
import { type SplitCandidate, type SplitLimits, scanFeature, scanRows } from "./split-finder.js";

/**
 * Nodes with fewer rows keep no histogram: their splits come from their rows sorted by bin (scanRows). Deep
 * trees (a forest grown to pure leaves) then hold histograms only for their top levels.
 */
export const SMALL_NODE_ROWS = 256;

/** One histogram to fill from the rows index[from … to) (channel values at values[row·channels …]). */
export interface HistogramRequest {
  from: number;
  to: number;
  histogram: Float64Array;
}

/** Fills histograms for the active slots; one call per tree level. */
export interface HistogramBuilder {
  /** Where histograms and the per-row channel values live (e.g. shared memory). */
  allocate(length: number): Float64Array;
  build(space: HistWorkspace, slotFeatures: Int32Array, requests: HistogramRequest[]): void | Promise<void>;
}

/** Buffers reused across the trees of one fit. */
export class HistWorkspace {
  readonly index: Uint32Array;
  readonly scratch: Uint32Array;
  /** rows × channels: each row's channel values (A…, B[, 1]) for the tree being grown. */
  readonly values: Float64Array;
  private readonly free: Float64Array[] = [];
  constructor(
    readonly binned: BinnedMatrix,
    readonly channels: number,
    readonly builder: HistogramBuilder,
    index?: Uint32Array,
  ) {
    this.index = index ?? new Uint32Array(binned.rows);
    this.scratch = new Uint32Array(binned.rows);
    this.values = builder.allocate(binned.rows * channels);
  }
  take(length: number): Float64Array {
    for (let i = this.free.length - 1; i >= 0; i--)
      if ((this.free[i] as Float64Array).length === length) return this.free.splice(i, 1)[0] as Float64Array;
    return this.builder.allocate(length);
  }
  release(histogram: Float64Array | undefined): void {
    if (histogram !== undefined) this.free.push(histogram);
  }
}

/** A grown tree plus, per node, the bin it splits at (rows with bin <= splitBin go left, missing as said). */
export interface HistTree extends GrownTree {
  splitBin: Int32Array;
  missingLeft: Uint8Array;
  /** Per node, its rows: index[from … to) of the workspace, until the next tree is grown in it. */
  from: Int32Array;
  to: Int32Array;
  /** Whether every row of the matrix was in the tree's sample (then the leaves' ranges cover all rows). */
  allRows: boolean;
}

/** The channels a learner's histograms need: A (D of them), B, and the row count when min_samples_leaf > 1. */
export function channelsFor(outputs: number, params: GrowthParams): number {
  return outputs + 1 + (params.minSamplesLeaf > 1 ? 1 : 0);
}

export async function growHistTree(
  space: HistWorkspace,
  activeFeatures: Int32Array,
  targets: GrowthTargets,
  params: GrowthParams,
  random: Random,
  allowMissingLeft: boolean,
): Promise<HistTree> {
  const { binned, channels, index, scratch, values } = space;
  const { rows, bins, thresholds } = binned;
  const { outputs, weight, weightedA, weightedB, pureKey } = targets;
  const counted = channels === outputs + 2;
  const slots = activeFeatures.length;
  const histLength = histogramLength(slots, channels);
  const limits: SplitLimits = {
    outputs,
    channels,
    counted,
    minSamplesLeaf: params.minSamplesLeaf,
    minChildWeight: params.minChildWeight,
    lambda: params.lambda,
    allowMissingLeft,
  };

  let sampled = 0;
  for (let row = 0; row < rows; row++) {
    if (!((weight[row] as number) > 0)) continue;
    index[sampled++] = row;
    const at = row * channels;
    for (let d = 0; d < outputs; d++) values[at + d] = weightedA[row * outputs + d] as number;
    values[at + outputs] = weightedB[row] as number;
    if (counted) values[at + outputs + 1] = 1;
  }

  // Nodes in creation order; serialised in pre-order at the end.
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  const sumA: number[] = [];
  const sumB: number[] = [];
  const feature: number[] = [];
  const splitBin: number[] = [];
  const missingLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gain: number[] = [];
  const histograms: (Float64Array | undefined)[] = [];
  const addNode = (from: number, to: number, nodeDepth: number, a: ArrayLike<number>, b: number) => {
    const id = start.length;
    start.push(from);
    end.push(to);
    depth.push(nodeDepth);
    for (let d = 0; d < outputs; d++) sumA.push(a[d] as number);
    sumB.push(b);
    feature.push(-1);
    splitBin.push(0);
    missingLeft.push(0);
    left.push(-1);
    right.push(-1);
    gain.push(0);
    histograms.push(undefined);
    return id;
  };

  const rootA = new Float64Array(outputs);
  let rootB = 0;
  for (let p = 0; p < sampled; p++) {
    const row = index[p] as number;
    for (let d = 0; d < outputs; d++)
      rootA[d] = (rootA[d] as number) + (weightedA[row * outputs + d] as number);
    rootB += weightedB[row] as number;
  }
  addNode(0, sampled, 0, rootA, rootB);

  const mayGrow = (node: number) => {
    const count = (end[node] as number) - (start[node] as number);
    if (
      count < params.minSamplesSplit ||
      count < 2 * params.minSamplesLeaf ||
      (depth[node] as number) >= params.maxDepth ||
      (sumB[node] as number) < 2 * params.minChildWeight
    )
      return false;
    if (!params.stopWhenPure || pureKey === undefined) return true;
    const key = pureKey[index[start[node] as number] as number];
    for (let p = (start[node] as number) + 1; p < (end[node] as number); p++)
      if (pureKey[index[p] as number] !== key) return true;
    return false;
  };

  const rootGrows = mayGrow(0);
  if (rootGrows && sampled >= SMALL_NODE_ROWS) {
    const histogram = space.take(histLength);
    histograms[0] = histogram;
    await space.builder.build(space, activeFeatures, [{ from: 0, to: sampled, histogram }]);
  }
  const keys = new Uint32Array(Math.min(sampled, SMALL_NODE_ROWS));
  const missingA = new Float64Array(outputs);

  const totalA = new Float64Array(outputs);
  const running = new Float64Array(outputs);
  const candidate: SplitCandidate = {
    proxy: 0,
    bin: 0,
    missingLeft: false,
    leftA: new Float64Array(outputs),
    leftB: 0,
    leftCount: 0,
  };
  const best: SplitCandidate & { slot: number } = {
    ...candidate,
    leftA: new Float64Array(outputs),
    slot: -1,
  };
  const slotOrder = new Int32Array(slots);
  const rightA = new Float64Array(outputs);

  const findBestSplit = (node: number, histogram: Float64Array | undefined): boolean => {
    for (let d = 0; d < outputs; d++) totalA[d] = sumA[node * outputs + d] as number;
    const totalB = sumB[node] as number;
    const totalCount = (end[node] as number) - (start[node] as number);
    candidate.proxy = Number.NEGATIVE_INFINITY;
    best.slot = -1;
    const sampleFeatures = params.maxFeatures < slots;
    if (sampleFeatures) for (let s = 0; s < slots; s++) slotOrder[s] = s;
    let visited = 0;
    let informative = 0;
    // Like scikit-learn: stop after maxFeatures draws, unless every feature drawn so far was constant here.
    for (let i = 0; i < slots && (visited < params.maxFeatures || informative === 0); i++) {
      let slot = i;
      if (sampleFeatures) {
        const j = i + random.int(slots - i);
        slot = slotOrder[j] as number;
        slotOrder[j] = slotOrder[i] as number;
        slotOrder[i] = slot;
      }
      visited++;
      const f = activeFeatures[slot] as number;
      const offset = slot * HISTOGRAM_BINS * channels;
      const valueBins = (thresholds[f] as Float32Array).length + 1;
      const improved =
        histogram === undefined
          ? scanRows(
              bins,
              f * rows,
              index,
              start[node] as number,
              end[node] as number,
              values,
              totalA,
              totalB,
              limits,
              keys,
              missingA,
              running,
              candidate,
            )
          : scanFeature(histogram, offset, valueBins, totalA, totalB, totalCount, limits, running, candidate);
      if (improved) {
        best.proxy = candidate.proxy;
        best.bin = candidate.bin;
        best.missingLeft = candidate.missingLeft;
        best.leftA.set(candidate.leftA);
        best.leftB = candidate.leftB;
        best.leftCount = candidate.leftCount;
        best.slot = slot;
      }
      if (candidate.proxy > Number.NEGATIVE_INFINITY) informative++;
    }
    return best.slot >= 0;
  };

  /** Stable partition of the node's rows by `best`; answers the first right position. */
  const partition = (node: number, f: number): number => {
    const from = start[node] as number;
    const to = end[node] as number;
    const column = f * rows;
    const bin = best.bin;
    const missingGoesLeft = best.missingLeft;
    const missingSide = missingGoesLeft ? 1 : 0;
    let write = from;
    let spilled = 0;
    // Branch-free (the side is unpredictable); write never passes p.
    for (let p = from; p < to; p++) {
      const row = index[p] as number;
      const b = bins[column + row] as number;
      const side = b === MISSING_BIN ? missingSide : b <= bin ? 1 : 0;
      index[write] = row;
      scratch[spilled] = row;
      write += side;
      spilled += 1 - side;
    }
    index.set(scratch.subarray(0, spilled), write);
    return write;
  };

  let level = rootGrows ? [0] : [];
  while (level.length > 0) {
    const requests: HistogramRequest[] = [];
    const pairs: { parent: Float64Array | undefined; small: number; large: number; keepSmall: boolean }[] =
      [];
    const next: number[] = [];
    for (const node of level) {
      const histogram = histograms[node];
      histograms[node] = undefined;
      if (!findBestSplit(node, histogram)) {
        space.release(histogram);
        continue;
      }
      let parentSquares = 0;
      for (let d = 0; d < outputs; d++) parentSquares += (sumA[node * outputs + d] as number) ** 2;
      const splitGain = best.proxy - parentSquares / ((sumB[node] as number) + params.lambda);
      if (!(splitGain > params.minGain)) {
        space.release(histogram);
        continue;
      }
      const f = activeFeatures[best.slot] as number;
      feature[node] = f;
      splitBin[node] = best.bin;
      missingLeft[node] = best.missingLeft ? 1 : 0;
      gain[node] = splitGain;
      const middle = partition(node, f);
      for (let d = 0; d < outputs; d++)
        rightA[d] = (sumA[node * outputs + d] as number) - (best.leftA[d] as number);
      const childDepth = (depth[node] as number) + 1;
      const l = addNode(start[node] as number, middle, childDepth, best.leftA, best.leftB);
      const r = addNode(middle, end[node] as number, childDepth, rightA, (sumB[node] as number) - best.leftB);
      left[node] = l;
      right[node] = r;
      const growLeft = mayGrow(l);
      const growRight = mayGrow(r);
      if (growLeft) next.push(l);
      if (growRight) next.push(r);
      if (histogram === undefined) continue;
      const leftSmaller = middle - (start[node] as number) <= (end[node] as number) - middle;
      const small = leftSmaller ? l : r;
      const large = leftSmaller ? r : l;
      const keeps = (child: number, grows: boolean) =>
        grows && (end[child] as number) - (start[child] as number) >= SMALL_NODE_ROWS;
      const keepSmall = keeps(small, leftSmaller ? growLeft : growRight);
      const keepLarge = keeps(large, leftSmaller ? growRight : growLeft);
      if (!keepSmall && !keepLarge) {
        space.release(histogram);
        continue;
      }
      const smaller = space.take(histLength);
      requests.push({ from: start[small] as number, to: end[small] as number, histogram: smaller });
      histograms[small] = smaller;
      if (!keepLarge) space.release(histogram);
      pairs.push({ parent: keepLarge ? histogram : undefined, small, large, keepSmall });
    }
    if (requests.length > 0) await space.builder.build(space, activeFeatures, requests);
    for (const { parent, small, large, keepSmall } of pairs) {
      const smaller = histograms[small] as Float64Array;
      if (parent !== undefined) {
        for (let i = 0; i < histLength; i++) parent[i] = (parent[i] as number) - (smaller[i] as number);
        histograms[large] = parent;
      }
      if (!keepSmall) {
        space.release(smaller);
        histograms[small] = undefined;
      }
    }
    level = next;
  }

  // Undo weak splits bottom-up (children always have larger ids than their parent).
  if (params.gamma > 0) {
    for (let node = start.length - 1; node >= 0; node--) {
      const l = left[node] as number;
      const r = right[node] as number;
      if (l >= 0 && left[l] === -1 && left[r] === -1 && (gain[node] as number) < params.gamma) {
        left[node] = -1;
        right[node] = -1;
        feature[node] = -1;
      }
    }
  }

  const preorder: number[] = [];
  const pending = [0];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    preorder.push(node);
    if ((left[node] as number) >= 0) pending.push(right[node] as number, left[node] as number);
  }
  const size = preorder.length;
  const newId = new Int32Array(start.length).fill(-1);
  for (let i = 0; i < size; i++) newId[preorder[i] as number] = i;
  const tree: HistTree = {
    feature: new Int32Array(size),
    threshold: new Float64Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float64Array(size * outputs),
    samples: new Float64Array(size),
    gain: new Float64Array(binned.features),
    splitBin: new Int32Array(size),
    missingLeft: new Uint8Array(size),
    from: new Int32Array(size),
    to: new Int32Array(size),
    allRows: sampled === rows,
  };
  for (let i = 0; i < size; i++) {
    const node = preorder[i] as number;
    const isLeaf = (left[node] as number) < 0;
    const f = isLeaf ? -1 : (feature[node] as number);
    tree.feature[i] = f;
    tree.threshold[i] = isLeaf ? 0 : ((thresholds[f] as Float32Array)[splitBin[node] as number] as number);
    tree.left[i] = isLeaf ? -1 : (newId[left[node] as number] as number);
    tree.right[i] = isLeaf ? -1 : (newId[right[node] as number] as number);
    tree.splitBin[i] = isLeaf ? 0 : (splitBin[node] as number);
    tree.missingLeft[i] = isLeaf ? 0 : (missingLeft[node] as number);
    tree.from[i] = start[node] as number;
    tree.to[i] = end[node] as number;
    const b = sumB[node] as number;
    tree.samples[i] = b;
    for (let d = 0; d < outputs; d++) {
      const a = sumA[node * outputs + d] as number;
      tree.value[i * outputs + d] = b + params.lambda > 0 ? (params.leafScale * a) / (b + params.lambda) : 0;
    }
    if (!isLeaf) tree.gain[f] = (tree.gain[f] as number) + (gain[node] as number);
  }
  return tree;
}

/** Adds the tree's leaf value to column k of every row's scores, walking the bins (same branches as x). */
export function addHistTreeScores(
  tree: HistTree,
  space: HistWorkspace,
  scores: Float64Array,
  outputs: number,
  k: number,
): void {
  const { rows, bins } = space.binned;
  if (tree.allRows) {
    // Every row sits in exactly one leaf's range of the index.
    const { index } = space;
    for (let node = 0; node < tree.feature.length; node++) {
      if ((tree.feature[node] as number) >= 0) continue;
      const value = tree.value[node] as number;
      for (let p = tree.from[node] as number, end = tree.to[node] as number; p < end; p++) {
        const at = (index[p] as number) * outputs + k;
        scores[at] = (scores[at] as number) + value;
      }
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
      const b = bins[f * rows + i] as number;
      const goesLeft =
        b === MISSING_BIN ? tree.missingLeft[node] === 1 : b <= (tree.splitBin[node] as number);
      node = goesLeft ? (tree.left[node] as number) : (tree.right[node] as number);
    }
    scores[i * outputs + k] = (scores[i * outputs + k] as number) + (tree.value[node] as number);
  }
}
