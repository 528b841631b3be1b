// CART growth on pre-sorted columns, shared by the random forest and the boosted trees.
//
// Every row i carries a weight w_i (bootstrap count or subsample mask; 0 leaves it out), a D-vector a_i and a
// scalar b_i. A node's statistics are A = Σ w·a and B = Σ w·b, and a split maximises
//     gain = Σ_d A_Ld² / (B_L + λ) + Σ_d A_Rd² / (B_R + λ) − Σ_d A_d² / (B + λ),
// with leaf values  scale · A / (B + λ).  One criterion covers all learners:
//   squared error    a = y, b = 1, λ = 0, scale = 1: gain is the decrease of the (weighted) sum of squared errors
//   gini             a = one-hot class, b = 1, λ = 0: gain is the decrease of weighted Gini impurity, leaves
//                    hold class probabilities (the Gini index is the variance of the one-hot vector)
//   second order     a = gradient, b = hessian, scale = −learning rate: XGBoost's exact greedy split gain
//
// Each feature keeps the node's rows in value order (a contiguous range per node, partitioned stably after a
// split), so finding a split is one linear scan per feature, without sorting at any node.

import type { Random } from "../random.js";
import { splitThreshold } from "./float32.js";
import type { SortedColumns } from "./sorted-columns.js";
import { leafValue, nodeSquares, splitGain, splitProxy } from "./split-gain.js";

export interface GrowthParams {
  /** Infinity for no limit. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Each child's B must reach it (XGBoost's min_child_weight). */
  minChildWeight: number;
  lambda: number;
  /** A split must gain more than this, else the node stays a leaf. */
  minGain: number;
  /** Post-pruning: a split whose children are leaves and whose gain is below gamma is undone, bottom-up. */
  gamma: number;
  /** Features tried per split, drawn without replacement from the active ones. */
  maxFeatures: number;
  leafScale: number;
  /** Stop at nodes whose rows all share one `pureKey` (e.g. one class, one target value). */
  stopWhenPure: boolean;
  /** Histogram trees only: grow leaf-wise (best leaf first) instead of level by level. */
  leafWise?: boolean;
  /** With leafWise: at most this many leaves. */
  maxLeaves?: number;
}

export interface GrowthTargets {
  /** D, the length of a_i and of every node's value. */
  outputs: number;
  /** Per row: w_i; 0 leaves the row out of this tree. */
  weight: Float64Array;
  /** rows × D: w_i · a_i. */
  weightedA: Float64Array;
  /** Per row: w_i · b_i. */
  weightedB: Float64Array;
  /** Per row, when `stopWhenPure`: rows with equal keys are interchangeable for the criterion. */
  pureKey?: Float64Array;
  /**
   * Histogram learner, one output, every weight 1: w·a and w·b are already its rows' channel values, weightedA and
   * weightedB are not read (see RoundRows.toChannelValues, hist/round-rows.ts); `unitB`: every b is 1.
   */
  inValues?: { unitB: boolean };
}

/** A grown tree in pre-order, as typed arrays (cheap to pass between threads). */
export interface GrownTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes × outputs. */
  value: Float64Array;
  /** Per node: B, the weighted number of rows (forest) or the hessian sum (boosting). */
  samples: Float64Array;
  /** Per feature: the summed gain of the splits on it. */
  gain: Float64Array;
  /** Per node, 1 when missing values go left (histogram trees); absent: they go right. */
  missingLeft?: Uint8Array;
}

/** Buffers reused across the trees of one fit. */
export class GrowthWorkspace {
  readonly positions: Int32Array;
  readonly spill: Int32Array;
  readonly goesLeft: Uint8Array;
  readonly slotOrder: Int32Array;
  constructor(rows: number, features: number) {
    this.positions = new Int32Array(rows * features);
    this.spill = new Int32Array(rows);
    this.goesLeft = new Uint8Array(rows);
    this.slotOrder = new Int32Array(features);
  }
}

interface Candidate {
  proxy: number;
  lowRank: number;
  highRank: number;
  leftCount: number;
}

interface BestSplit extends Candidate {
  slot: number;
}

/** Where one feature's scan reads: positions[base + p] for p in [from, to), ranks[rankBase + row]. */
interface ScanLimits {
  base: number;
  rankBase: number;
  from: number;
  to: number;
  totalB: number;
  minSamplesLeaf: number;
  minChildWeight: number;
  lambda: number;
}

/**
 * Grows one tree on the rows with positive weight, splitting only on `activeFeatures` (e.g. a per-tree column
 * sample). `random` draws the features tried at each split when `maxFeatures` < activeFeatures.length.
 */
export function growTree(
  columns: SortedColumns,
  activeFeatures: Int32Array,
  targets: GrowthTargets,
  params: GrowthParams,
  random: Random,
  workspace: GrowthWorkspace,
): GrownTree {
  const { rows, ranks, order, distinct } = columns;
  const { outputs, weight, weightedA, weightedB, pureKey } = targets;
  const { lambda } = params;
  const slots = activeFeatures.length;
  const { positions, spill, goesLeft, slotOrder } = workspace;

  // Per active feature ("slot"), the in-sample rows in value order.
  let sampled = 0;
  for (let slot = 0; slot < slots; slot++) {
    const f = activeFeatures[slot] as number;
    let write = slot * rows;
    for (let p = f * rows, end = p + rows; p < end; p++) {
      const row = order[p] as number;
      if ((weight[row] as number) > 0) positions[write++] = row;
    }
    sampled = write - slot * rows;
  }

  // Nodes, in creation order (children after parents); serialised in pre-order at the end.
  const start: number[] = [];
  const end: number[] = [];
  const depth: number[] = [];
  const sumA: number[] = [];
  const sumB: number[] = [];
  const count: number[] = [];
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gain: number[] = [];

  const leftA = new Float64Array(outputs);
  const rightA = new Float64Array(outputs);

  const addNode = (from: number, to: number, nodeDepth: number, a: Float64Array, b: number): number => {
    const id = start.length;
    start.push(from);
    end.push(to);
    depth.push(nodeDepth);
    for (let d = 0; d < outputs; d++) sumA.push(a[d] as number);
    sumB.push(b);
    count.push(to - from);
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    gain.push(0);
    return id;
  };

  // Root statistics.
  const rootA = new Float64Array(outputs);
  let rootB = 0;
  for (let p = 0; p < sampled; p++) {
    const row = positions[p] as number;
    for (let d = 0; d < outputs; d++)
      rootA[d] = (rootA[d] as number) + (weightedA[row * outputs + d] as number);
    rootB += weightedB[row] as number;
  }
  addNode(0, sampled, 0, rootA, rootB);

  const isPure = (from: number, to: number): boolean => {
    if (pureKey === undefined) return false;
    const key = pureKey[positions[from] as number];
    for (let p = from + 1; p < to; p++) if (pureKey[positions[p] as number] !== key) return false;
    return true;
  };

  // Scratch reused at every node (no allocation per node).
  const limits: ScanLimits = {
    base: 0,
    rankBase: 0,
    from: 0,
    to: 0,
    totalB: 0,
    minSamplesLeaf: params.minSamplesLeaf,
    minChildWeight: params.minChildWeight,
    lambda,
  };
  const totalA = new Float64Array(outputs);
  const candidate: Candidate = { proxy: 0, lowRank: 0, highRank: 0, leftCount: 0 };
  const best: BestSplit = { proxy: 0, lowRank: 0, highRank: 0, leftCount: 0, slot: -1 };

  /** Fills `best`; false when no feature offers a valid split. */
  const findBestSplit = (node: number): boolean => {
    const from = start[node] as number;
    const to = end[node] as number;
    limits.from = from;
    limits.to = to;
    limits.totalB = sumB[node] as number;
    for (let d = 0; d < outputs; d++) totalA[d] = sumA[node * outputs + d] as number;
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
      const base = slot * rows;
      const rankBase = (activeFeatures[slot] as number) * rows;
      const firstRank = ranks[rankBase + (positions[base + from] as number)];
      if (firstRank === ranks[rankBase + (positions[base + to - 1] as number)]) continue;
      informative++;
      limits.base = base;
      limits.rankBase = rankBase;
      const improved =
        outputs === 1
          ? scanScalar(positions, ranks, weightedA, weightedB, totalA[0] as number, limits, candidate)
          : scanVector(positions, ranks, weightedA, weightedB, totalA, outputs, leftA, limits, candidate);
      if (improved) {
        best.proxy = candidate.proxy;
        best.lowRank = candidate.lowRank;
        best.highRank = candidate.highRank;
        best.leftCount = candidate.leftCount;
        best.slot = slot;
      }
    }
    return best.slot >= 0;
  };

  /** Splits `node` as `best` says, partitioning every slot's rows, and adds the two children. */
  const split = (node: number, nodeGain: number): void => {
    const from = start[node] as number;
    const to = end[node] as number;
    const middle = from + best.leftCount;
    const f = activeFeatures[best.slot] as number;
    feature[node] = f;
    const values = distinct[f] as Float32Array;
    threshold[node] = splitThreshold(values[best.lowRank] as number, values[best.highRank] as number);
    gain[node] = nodeGain;

    const splitBase = best.slot * rows;
    leftA.fill(0);
    rightA.fill(0);
    let leftB = 0;
    let rightB = 0;
    for (let p = from; p < to; p++) {
      const row = positions[splitBase + p] as number;
      const goes = p < middle;
      goesLeft[row] = goes ? 1 : 0;
      const target = goes ? leftA : rightA;
      for (let d = 0; d < outputs; d++)
        target[d] = (target[d] as number) + (weightedA[row * outputs + d] as number);
      if (goes) leftB += weightedB[row] as number;
      else rightB += weightedB[row] as number;
    }
    // Children that cannot split never read their rows again: skip partitioning the other features for them.
    const childDepth = (depth[node] as number) + 1;
    const mustStayLeaf = (rowCount: number) =>
      rowCount < params.minSamplesSplit ||
      rowCount < 2 * params.minSamplesLeaf ||
      childDepth >= params.maxDepth;
    const partition = !(mustStayLeaf(middle - from) && mustStayLeaf(to - middle));
    for (let slot = 0; partition && slot < slots; slot++) {
      if (slot === best.slot) continue;
      const base = slot * rows;
      let write = base + from;
      let spilled = 0;
      // Branch-free: the side is unpredictable, and write never passes p.
      for (let p = base + from, stop = base + to; p < stop; p++) {
        const row = positions[p] as number;
        const side = goesLeft[row] as number;
        positions[write] = row;
        spill[spilled] = row;
        write += side;
        spilled += 1 - side;
      }
      for (let k = 0; k < spilled; k++) positions[write + k] = spill[k] as number;
    }
    left[node] = addNode(from, middle, childDepth, leftA, leftB);
    right[node] = addNode(middle, to, childDepth, rightA, rightB);
  };

  const stack = [0];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const nodeCount = count[node] as number;
    if (
      nodeCount < params.minSamplesSplit ||
      nodeCount < 2 * params.minSamplesLeaf ||
      (depth[node] as number) >= params.maxDepth ||
      (sumB[node] as number) < 2 * params.minChildWeight ||
      (params.stopWhenPure && isPure(start[node] as number, end[node] as number))
    )
      continue;
    if (!findBestSplit(node)) continue;
    const gainHere = splitGain(best.proxy, nodeSquares(sumA, node, outputs), sumB[node] as number, lambda);
    if (!(gainHere > params.minGain)) continue;
    split(node, gainHere);
    stack.push(right[node] as number, left[node] as number);
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

  // Pre-order serialisation of the reachable nodes.
  const preorder: number[] = [];
  const pending = [0];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    preorder.push(node);
    if ((left[node] as number) >= 0) pending.push(right[node] as number, left[node] as number);
  }
  const size = preorder.length;
  const newId = new Int32Array(start.length).fill(-1);
  for (let i = 0; i < size; i++) newId[preorder[i] as number] = i;
  const tree: GrownTree = {
    feature: new Int32Array(size),
    threshold: new Float64Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float64Array(size * outputs),
    samples: new Float64Array(size),
    gain: new Float64Array(columns.features),
  };
  for (let i = 0; i < size; i++) {
    const node = preorder[i] as number;
    const isLeaf = (left[node] as number) < 0;
    tree.feature[i] = isLeaf ? -1 : (feature[node] as number);
    tree.threshold[i] = isLeaf ? 0 : (threshold[node] as number);
    tree.left[i] = isLeaf ? -1 : (newId[left[node] as number] as number);
    tree.right[i] = isLeaf ? -1 : (newId[right[node] as number] as number);
    const b = sumB[node] as number;
    tree.samples[i] = b;
    for (let d = 0; d < outputs; d++) {
      const a = sumA[node * outputs + d] as number;
      tree.value[i * outputs + d] = leafValue(a, b, lambda, params.leafScale);
    }
    if (!isLeaf) {
      const f = feature[node] as number;
      tree.gain[f] = (tree.gain[f] as number) + (gain[node] as number);
    }
  }
  return tree;
}

/**
 * Looks for a split of one feature's sorted node rows better than `best`, for one output; when it finds one
 * it overwrites `best` and answers true. The hot loop
 * of the learner: kept free of closures and of per-row allocation.
 */
function scanScalar(
  sorted: Int32Array,
  ranks: Int32Array,
  weightedA: Float64Array,
  weightedB: Float64Array,
  totalA: number,
  limits: ScanLimits,
  best: Candidate,
): boolean {
  const { base, rankBase, totalB, minSamplesLeaf, minChildWeight, lambda } = limits;
  const from = base + limits.from;
  const to = base + limits.to;
  const total = to - from;
  let bestProxy = best.proxy;
  let improved = false;
  let leftA = 0;
  let leftB = 0;
  let row = sorted[from] as number;
  let rank = ranks[rankBase + row] as number;
  for (let p = from + 1; p < to; p++) {
    leftA += weightedA[row] as number;
    leftB += weightedB[row] as number;
    const nextRow = sorted[p] as number;
    const nextRank = ranks[rankBase + nextRow] as number;
    row = nextRow;
    if (nextRank === rank) continue;
    const lowRank = rank;
    rank = nextRank;
    const leftCount = p - from;
    if (leftCount < minSamplesLeaf) continue;
    if (total - leftCount < minSamplesLeaf) break;
    const rightB = totalB - leftB;
    if (leftB < minChildWeight || rightB < minChildWeight) continue;
    const rightA = totalA - leftA;
    const proxy = splitProxy(leftA * leftA, leftB, rightA * rightA, rightB, lambda);
    if (proxy > bestProxy) {
      bestProxy = proxy;
      best.proxy = proxy;
      best.lowRank = lowRank;
      best.highRank = nextRank;
      best.leftCount = leftCount;
      improved = true;
    }
  }
  return improved;
}

/**
 * scanScalar for D outputs (classification): `leftA` is scratch space of length D. Kept apart from scanScalar
 * on purpose: the one-output loop is the hot path and runs faster without the inner loop over outputs.
 */
function scanVector(
  sorted: Int32Array,
  ranks: Int32Array,
  weightedA: Float64Array,
  weightedB: Float64Array,
  totalA: Float64Array,
  outputs: number,
  leftA: Float64Array,
  limits: ScanLimits,
  best: Candidate,
): boolean {
  const { base, rankBase, totalB, minSamplesLeaf, minChildWeight, lambda } = limits;
  const from = base + limits.from;
  const to = base + limits.to;
  const total = to - from;
  let bestProxy = best.proxy;
  let improved = false;
  leftA.fill(0);
  let leftB = 0;
  let row = sorted[from] as number;
  let rank = ranks[rankBase + row] as number;
  for (let p = from + 1; p < to; p++) {
    for (let d = 0, offset = row * outputs; d < outputs; d++)
      leftA[d] = (leftA[d] as number) + (weightedA[offset + d] as number);
    leftB += weightedB[row] as number;
    const nextRow = sorted[p] as number;
    const nextRank = ranks[rankBase + nextRow] as number;
    row = nextRow;
    if (nextRank === rank) continue;
    const lowRank = rank;
    rank = nextRank;
    const leftCount = p - from;
    if (leftCount < minSamplesLeaf) continue;
    if (total - leftCount < minSamplesLeaf) break;
    const rightB = totalB - leftB;
    if (leftB < minChildWeight || rightB < minChildWeight) continue;
    let leftSquares = 0;
    let rightSquares = 0;
    for (let d = 0; d < outputs; d++) {
      const la = leftA[d] as number;
      const ra = (totalA[d] as number) - la;
      leftSquares += la * la;
      rightSquares += ra * ra;
    }
    const proxy = splitProxy(leftSquares, leftB, rightSquares, rightB, lambda);
    if (proxy > bestProxy) {
      bestProxy = proxy;
      best.proxy = proxy;
      best.lowRank = lowRank;
      best.highRank = nextRank;
      best.leftCount = leftCount;
      improved = true;
    }
  }
  return improved;
}
