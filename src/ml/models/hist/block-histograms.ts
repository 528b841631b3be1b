// Histograms by row blocks, and the splits found from them: the two commands of a level after its partition.
//   rowBlockHistograms: unit u (a row block of the index, level-work.ts) sums its own rows of every requested
//     node over every slot into its partial histogram of the request: the node's own histogram for u = 0 (unless
//     the request is reduced apart, below), a scratch histogram otherwise. Each unit reads only its rows (a row's
//     bins and values once), where blocks of features would make every thread read every row.
//   OP_REDUCE_SPLITS: unit u takes a block of slots of every requested histogram and adds the units' partial
//     sums into it in unit order, then subtracts the sibling histograms in that block, then scans the same
//     block of every listed node — the bins it has just written, or, for a node too small to keep a histogram,
//     the node's rows sorted by bin (scanRows) — and leaves the block's best split in the plan. A node's totals
//     (Σ A, Σ B over its rows) come from the plan, or, for a node whose histogram is reduced apart (its unit 0
//     partial in a scratch histogram, so that no unit writes a partial in this command), from the partials:
//     every unit adds up the first slot's bins itself, the floats histogramTotals would get from the reduced
//     histogram.
// The number of units is fixed by the learner, not by the thread count, so every sum is the same float on 1, 2
// or 3 threads. The two-phase commands below run the partial histograms (with the sample or the partition
// before them) and then, once every unit is done with them, the reduction, in one command: one wake-up of the
// workers instead of two. The calling thread takes the best split over the blocks in block order, a later block only when
// strictly better (mergeBlockSplits); a block's best is the first maximum within the block, so the merged split
// is the first maximum over all slots: the split the serial scan (grow-tree.ts) finds.
//
// Plan: the OP_HISTOGRAMS plan (level-work.ts), then per request: units partial histogram ids; then at an even
// int offset:
//   ints:   [nodes, flags, slots × value bins (padded to even),
//            per node: histogram id (−1: from its rows), units × (from, to) (or −1 − s, side: the rows of side
//            side (0: left) of split s of the partition plan, known only once it has run), the request its totals
//            come from (−1: the floats)]
//   floats: [minSamplesLeaf, minChildWeight, lambda,
//            per node: total B, total count, total A (outputs),
//            per node per unit: proxy, bin, missing left, slot (−1: none), left B, left A (outputs)]
import { HISTOGRAM_BINS } from "./histogram.js";
import {
  fillHistogram,
  type LevelMemory,
  partitionEntry,
  partitionSegments,
  requestEntry,
  rowFrom,
  sampleRows,
  writeChildRows,
} from "./level-work.js";
import { copyElements } from "./shared-copy.js";
import {
  emptyCandidate,
  type NodeRows,
  type SplitCandidate,
  type SplitLimits,
  scanNodeFeature,
} from "./split-finder.js";

export const OP_REDUCE_SPLITS = 17;
/**
 * Two-phase commands (units 0 … U−1, then U … 2U−1 once the first U are done), each of partial histograms then
 * OP_REDUCE_SPLITS: OP_SAMPLE_SPLITS, the root's over the sampled rows (sampleAndHistograms), whose root count is
 * the sampled rows' (it finds nothing when fewer than `minRows` rows of the plan were sampled: the root then keeps
 * no histogram); OP_PARTITION_SPLITS, the partition then its children's (partitionAndHistograms), for children
 * whose row counts were known before the partition (so which one is the smaller was decided then): a unit needs
 * only its own rows of a child, which its own partition has just placed, so no thread waits for another between
 * the two; OP_HISTOGRAM_SPLITS, the requested nodes' (rowBlockHistograms).
 */
export const OP_SAMPLE_SPLITS = 21;
export const OP_PARTITION_SPLITS = 22;
export const OP_HISTOGRAM_SPLITS = 23;

const COUNTED = 1;
const MISSING_LEFT = 2;
const LIMITS = 3;

const even = (n: number) => n + (n % 2);
const nodeInts = (units: number) => 2 + 2 * units;
const nodeFloats = (outputs: number) => 2 + outputs;
const blockResult = (outputs: number) => 5 + outputs;

/** Where the scratch ids start: after the OP_HISTOGRAMS part. */
function scratchAt(plan: Int32Array, units: number): number {
  const slots = plan[0] as number;
  let at = 1 + slots;
  at += 1 + (plan[at] as number) * requestEntry(units);
  return at + 1 + 2 * (plan[at] as number);
}

/** Unit `unit`'s partial histogram of request r. */
const partialOf = (plan: Int32Array, units: number, r: number, unit: number) =>
  plan[scratchAt(plan, units) + r * units + unit] as number;

/** Where the split part starts. */
function splitsAt(plan: Int32Array, units: number): number {
  const requests = plan[1 + (plan[0] as number)] as number;
  return even(scratchAt(plan, units) + requests * units);
}

function intsLength(slots: number, nodes: number, units: number): number {
  return 2 + even(slots) + nodes * nodeInts(units);
}

/** Ints of a plan for `requests` histograms, `pairs` subtractions and the splits of `nodes`. */
export function blockPlanLength(
  slots: number,
  requests: number,
  pairs: number,
  nodes: number,
  outputs: number,
  units: number,
): number {
  const histogramPart = even(3 + slots + requests * (requestEntry(units) + units) + 2 * pairs);
  const floats = LIMITS + nodes * (nodeFloats(outputs) + units * blockResult(outputs));
  return histogramPart + intsLength(slots, nodes, units) + 2 * floats;
}

function floatsOf(plan: Int32Array, from: number, slots: number, nodes: number, units: number): Float64Array {
  const at = from + intsLength(slots, nodes, units);
  return new Float64Array(plan.buffer, plan.byteOffset + 4 * at, (plan.length - at) >> 1);
}

export interface SplitRequest {
  /** −1: the node's split comes from its rows (it keeps no histogram). */
  histogram: number;
  /** units × (from, to) of the workspace's index; or its side of a split of the partition plan (which runs first). */
  segments: ArrayLike<number> | { split: number; side: number };
  /** The request whose partials give the totals (its histogram reduced apart); the totals below are then unused. */
  totalsFrom?: number;
  totalA: ArrayLike<number>;
  totalB: number;
  totalCount: number;
}

/**
 * Completes a plan whose OP_HISTOGRAMS part is written: the partial histogram ids (per request, units; the first
 * is the request's own histogram unless it is reduced apart), then the split part for `nodes`.
 */
export function planBlocks(
  plan: Int32Array,
  units: number,
  scratch: ArrayLike<number>,
  limits: SplitLimits,
  valueBins: ArrayLike<number>,
  /** The split requests: `nodeCount` of them, request n from nodeAt(n) (which may reuse one object). */
  nodeCount: number,
  nodeAt: (n: number) => SplitRequest,
): void {
  const slots = valueBins.length;
  const at = scratchAt(plan, units);
  for (let i = 0; i < scratch.length; i++) plan[at + i] = scratch[i] as number;
  const from = splitsAt(plan, units);
  plan[from] = nodeCount;
  plan[from + 1] = (limits.counted ? COUNTED : 0) | (limits.allowMissingLeft ? MISSING_LEFT : 0);
  for (let s = 0; s < slots; s++) plan[from + 2 + s] = valueBins[s] as number;
  const f = floatsOf(plan, from, slots, nodeCount, units);
  f[0] = limits.minSamplesLeaf;
  f[1] = limits.minChildWeight;
  f[2] = limits.lambda;
  const { outputs } = limits;
  for (let n = 0; n < nodeCount; n++) {
    const node = nodeAt(n);
    const start = from + 2 + even(slots) + n * nodeInts(units);
    plan[start] = node.histogram;
    const rows = node.segments;
    if ("split" in rows) {
      plan[start + 1] = -1 - rows.split;
      plan[start + 2] = rows.side;
    } else for (let i = 0; i < 2 * units; i++) plan[start + 1 + i] = rows[i] as number;
    plan[start + 1 + 2 * units] = node.totalsFrom ?? -1;
    const fa = LIMITS + n * nodeFloats(outputs);
    f[fa] = node.totalB;
    f[fa + 1] = node.totalCount;
    for (let d = 0; d < outputs; d++) f[fa + 2 + d] = node.totalA[d] as number;
  }
}

/**
 * Unit `unit`'s partial histograms of the requested nodes over its own rows (see the head of this file); with
 * `requested`, of the requests r with requested[r] = 1 only.
 */
export function rowBlockHistograms(memory: LevelMemory, unit: number, requested?: Uint8Array): void {
  const { plan, threads: units, histograms } = memory;
  const slots = plan[0] as number;
  const slotFeatures = plan.subarray(1, 1 + slots);
  let at = 1 + slots;
  const requests = plan[at++] as number;
  const size = requestEntry(units);
  for (let r = 0; r < requests; r++, at += size) {
    if (requested !== undefined && requested[r] !== 1) continue;
    const id = partialOf(plan, units, r, unit);
    const own = plan.subarray(at + 1 + 2 * unit, at + 3 + 2 * unit);
    fillHistogram(memory, slotFeatures, 0, slots, own, histograms[id] as Float64Array);
  }
}

/**
 * Groups of splits of an OP_PARTITION_SPLITS plan (memory.partitions, after its children): its first phase has
 * groups × units units, unit (group g, row block u) partitioning block u of the splits of g and building block u
 * of their children's histograms. Each of those is apart from the others (its own rows, its own partial
 * histogram), so the grouping changes no sum: it only gives a thread that runs while another does not more units
 * to take.
 */
export function partitionGroups(partitions: Int32Array, units: number): number {
  const at = 1 + (partitions[0] as number) * partitionEntry(units);
  return partitions[at + 1 + 3 * (partitions[at] as number)] as number;
}

/** The most groups of splits of an OP_PARTITION_SPLITS command (partitionGroups). */
export const SPLIT_GROUPS = 4;

/** Sets the groups of the OP_PARTITION_SPLITS plan whose children are written (see partitionGroups). */
export function setPartitionGroups(partitions: Int32Array, units: number, groups: number): void {
  const at = 1 + (partitions[0] as number) * partitionEntry(units);
  partitions[at + 1 + 3 * (partitions[at] as number)] = groups;
}

/** Per thread: the requests of a group's first-phase unit. */
let groupRequests = new Uint8Array(0);

/**
 * Unit `unit`'s share of OP_PARTITION_SPLITS' first phase, for the splits of `group` of `groups`: its segment of
 * each of those split nodes partitioned, then its segment of each of their requested children written to the
 * histogram plan, then its partial histograms of those children (requests that are no split's child: group 0's).
 */
export function partitionAndHistograms(memory: LevelMemory, unit: number, group = 0, groups = 1): void {
  const { plan, threads: units, partitions } = memory;
  const splits = partitions[0] as number;
  const splitFrom = Math.floor((group * splits) / groups);
  const splitTo = Math.floor(((group + 1) * splits) / groups);
  partitionSegments(memory, unit, splitFrom, splitTo);
  const size = requestEntry(units);
  const firstRequest = 2 + (plan[0] as number);
  writeChildRows(memory, unit, plan, (r) => firstRequest + r * size + 1 + 2 * unit, splitFrom, splitTo);
  if (groups === 1) {
    rowBlockHistograms(memory, unit);
    return;
  }
  const requests = plan[1 + (plan[0] as number)] as number;
  if (groupRequests.length < requests) groupRequests = new Uint8Array(requests);
  groupRequests.fill(group === 0 ? 1 : 0, 0, requests);
  let child = 1 + splits * partitionEntry(units);
  for (let c = 0, children = partitions[child++] as number; c < children; c++, child += 3) {
    const s = partitions[child] as number;
    groupRequests[partitions[child + 2] as number] = s >= splitFrom && s < splitTo ? 1 : 0;
  }
  rowBlockHistograms(memory, unit, groupRequests);
}

/**
 * Unit `unit`'s share of OP_SAMPLE_SPLITS' first phase: its sampled rows into its range of the index (OP_SAMPLE), which
 * are every request's rows of the unit, then its partial histograms.
 */
export function sampleAndHistograms(memory: LevelMemory, unit: number): void {
  sampleRows(memory, unit);
  const { partitions, plan, threads: units, rows } = memory;
  const size = requestEntry(units);
  let at = 2 + (plan[0] as number) + 1 + 2 * unit;
  for (let r = 0, requests = plan[1 + (plan[0] as number)] as number; r < requests; r++, at += size) {
    plan[at] = rowFrom(rows, units, unit);
    plan[at + 1] = partitions[unit] as number;
  }
  rowBlockHistograms(memory, unit);
}

/** Per thread (each has its own module instance): scratch of the row scan. */
let gathered = new Uint32Array(0);
let keys = new Uint32Array(0);

/** The rows OP_SAMPLE left in the index (memory.partitions: each unit's end). */
export function sampledRows(memory: LevelMemory): number {
  const { partitions, rows, threads: units } = memory;
  let sampled = 0;
  for (let u = 0; u < units; u++) sampled += (partitions[u] as number) - rowFrom(rows, units, u);
  return sampled;
}

/** Phase two of OP_SAMPLE_SPLITS: the reduction, when the root has enough rows to keep its histogram. */
export function sampledRootSplits(memory: LevelMemory, unit: number, minRows: number): void {
  const sampled = sampledRows(memory);
  if (sampled >= minRows) reduceAndSplit(memory, unit, sampled);
}

/**
 * Unit `unit`'s share of OP_REDUCE_SPLITS; `rootCount`: the row count of the node whose totals come from the
 * partials (the sampled root's, unknown when the plan was written).
 */
export function reduceAndSplit(memory: LevelMemory, unit: number, rootCount?: number): void {
  const { plan, threads: units, channels, histograms, index, bins, features, values } = memory;
  const slots = plan[0] as number;
  const blocks = Math.min(units, slots);
  if (unit >= blocks) return;
  const slotFrom = Math.round((unit * slots) / blocks);
  const slotTo = Math.round(((unit + 1) * slots) / blocks);
  const stride = HISTOGRAM_BINS * channels;
  const blockFrom = slotFrom * stride;
  const blockTo = slotTo * stride;
  let at = 1 + slots;
  const requests = plan[at++] as number;
  for (let r = 0; r < requests; r++, at += requestEntry(units)) {
    const sum = histograms[plan[at] as number] as Float64Array;
    const first = histograms[partialOf(plan, units, r, 0)] as Float64Array;
    if (first !== sum) copyElements(sum, blockFrom, first, blockFrom, blockTo);
    for (let u = 1; u < units; u++) {
      const partial = histograms[partialOf(plan, units, r, u)] as Float64Array;
      for (let i = blockFrom; i < blockTo; i++) sum[i] = (sum[i] as number) + (partial[i] as number);
    }
  }
  const pairs = plan[at++] as number;
  for (let q = 0; q < pairs; q++, at += 2) {
    const parent = histograms[plan[at] as number] as Float64Array;
    const smaller = histograms[plan[at + 1] as number] as Float64Array;
    for (let i = blockFrom; i < blockTo; i++) parent[i] = (parent[i] as number) - (smaller[i] as number);
  }
  const slotFeatures = plan.subarray(1, 1 + slots);
  const from = splitsAt(plan, units);
  const nodes = plan[from] as number;
  const flags = plan[from + 1] as number;
  const counted = (flags & COUNTED) !== 0;
  const outputs = channels - 1 - (counted ? 1 : 0);
  const f = floatsOf(plan, from, slots, nodes, units);
  const limits: SplitLimits = {
    outputs,
    channels,
    counted,
    minSamplesLeaf: f[0] as number,
    minChildWeight: f[1] as number,
    lambda: f[2] as number,
    allowMissingLeft: (flags & MISSING_LEFT) !== 0,
  };
  const running = new Float64Array(outputs);
  const missingA = new Float64Array(outputs);
  const candidate: SplitCandidate = emptyCandidate(outputs);
  const resultsAt = LIMITS + nodes * nodeFloats(outputs);
  for (let n = 0; n < nodes; n++) {
    const nodeAt = from + 2 + even(slots) + n * nodeInts(units);
    const histogramId = plan[nodeAt] as number;
    const fa = LIMITS + n * nodeFloats(outputs);
    let totalB = f[fa] as number;
    let totalCount = f[fa + 1] as number;
    let totalA = f.subarray(fa + 2, fa + 2 + outputs);
    const totalsFrom = plan[nodeAt + 1 + 2 * units] as number;
    if (totalsFrom >= 0) {
      totalA = new Float64Array(outputs);
      totalB = partialTotals(memory, plan, totalsFrom, totalA);
      totalCount = rootCount ?? totalCount;
    }
    if (histogramId < 0) {
      // Every unit's segment of the node, in unit order: the node's rows ascending.
      if (gathered.length < totalCount) {
        gathered = new Uint32Array(totalCount);
        keys = new Uint32Array(totalCount);
      }
      let k = 0;
      const split = plan[nodeAt + 1] as number;
      for (let u = 0; u < units; u++) {
        let p = plan[nodeAt + 1 + 2 * u] as number;
        let end = plan[nodeAt + 2 + 2 * u] as number;
        if (split < 0) {
          // The node's rows of unit u, as the partition left them (writeChildRows' choice).
          const at = 1 + (-1 - split) * partitionEntry(units);
          const middle = memory.partitions[at + 3 + 2 * units + u] as number;
          const left = plan[nodeAt + 2] === 0;
          p = left ? (memory.partitions[at + 3 + 2 * u] as number) : middle;
          end = left ? middle : (memory.partitions[at + 4 + 2 * u] as number);
        }
        for (; p < end; p++) gathered[k++] = index[p] as number;
      }
    }
    const histogram = histogramId >= 0 ? (histograms[histogramId] as Float64Array) : undefined;
    const rows: NodeRows = { bins, features, index: gathered, count: totalCount, values, keys, missingA };
    candidate.proxy = Number.NEGATIVE_INFINITY;
    let best = -1;
    const out = resultsAt + (n * units + unit) * blockResult(outputs);
    for (let s = slotFrom; s < slotTo; s++) {
      if (
        scanNodeFeature(
          histogram,
          s * HISTOGRAM_BINS * channels,
          plan[from + 2 + s] as number,
          slotFeatures[s] as number,
          rows,
          totalA,
          totalB,
          limits,
          running,
          candidate,
        )
      )
        best = s;
    }
    f[out + 3] = best;
    if (best < 0) continue;
    f[out] = candidate.proxy;
    f[out + 1] = candidate.bin;
    f[out + 2] = candidate.missingLeft ? 1 : 0;
    f[out + 4] = candidate.leftB;
    f.set(candidate.leftA, out + 5);
  }
}

/**
 * The totals histogramTotals (level-work.ts) gives for request r's reduced histogram, from its partials: per bin
 * of the first slot, the partials added in unit order (the reduced bin), then added up in bin order.
 */
function partialTotals(memory: LevelMemory, plan: Int32Array, r: number, sumA: Float64Array): number {
  const { threads: units, channels, histograms } = memory;
  const outputs = sumA.length;
  const partials = Array.from(
    { length: units },
    (_, u) => histograms[partialOf(plan, units, r, u)] as Float64Array,
  );
  let b = 0;
  for (let at = 0, end = HISTOGRAM_BINS * channels; at < end; at += channels) {
    for (let c = 0; c <= outputs; c++) {
      let value = (partials[0] as Float64Array)[at + c] as number;
      for (let u = 1; u < units; u++) value += (partials[u] as Float64Array)[at + c] as number;
      if (c < outputs) sumA[c] = (sumA[c] as number) + value;
      else b += value;
    }
  }
  return b;
}

/**
 * Node n's split after OP_REDUCE_SPLITS, into `best` (slot −1 when no block found one): blocks in order, a
 * later block's split taken only when strictly better.
 */
export function mergeBlockSplits(
  plan: Int32Array,
  units: number,
  outputs: number,
  n: number,
  best: SplitCandidate & { slot: number },
): void {
  const from = splitsAt(plan, units);
  const nodes = plan[from] as number;
  const slots = plan[0] as number;
  const f = floatsOf(plan, from, slots, nodes, units);
  best.slot = -1;
  best.proxy = Number.NEGATIVE_INFINITY;
  const resultsAt = LIMITS + nodes * nodeFloats(outputs);
  // Units past the number of blocks (fewer slots than units) scanned nothing.
  for (let u = 0, blocks = Math.min(units, slots); u < blocks; u++) {
    const out = resultsAt + (n * units + u) * blockResult(outputs);
    if ((f[out + 3] as number) < 0 || !((f[out] as number) > best.proxy)) continue;
    best.proxy = f[out] as number;
    best.bin = f[out + 1] as number;
    best.missingLeft = f[out + 2] === 1;
    best.slot = f[out + 3] as number;
    best.leftB = f[out + 4] as number;
    best.leftA.set(f.subarray(out + 5, out + 5 + outputs));
  }
}
