// The row-heavy work of one tree level, done by every thread at once on its own share (any thread, the calling
// one included, runs these functions; histogram-worker.ts on worker threads):
//   - partition: thread t owns the rows of index[rowFrom(t) … rowFrom(t+1)), so a node's rows are one segment
//     per thread, and each thread partitions its own segments of the nodes being split;
//   - histograms: thread t fills a block of features of every requested histogram, reading every thread's
//     segment of the node in order, i.e. the node's rows in ascending order whatever the thread count, so every
//     sum is the same float for 1, 2 or 3 threads; then it subtracts the sibling histograms in that block.
// The calling thread writes what to do into `plan` (layouts below) and every thread reads it.
import type { DerivativePair } from "../gbt-objective.js";
import { MAX_BINS, MISSING_BIN } from "./bin-mapper.js";
import { binRows } from "./bin-rows.js";
import { CutScratch, featureCuts } from "./feature-cuts.js";
import { HISTOGRAM_BINS } from "./histogram.js";
import { boostingHistogram } from "./histogram-kernel.js";
import { columnMajor } from "./matrix-layout.js";
import { partitionKernel } from "./partition-kernel.js";

/** Memory every thread of a fit reads (shared memory when there are worker threads). */
export interface LevelMemory {
  /** rows × features, row-major. */
  bins: Uint8Array;
  /** The same bins, column-major (BinnedMatrix.columns). */
  columns: Uint8Array;
  rows: number;
  features: number;
  /** Row ids; thread t's rows live in index[rowFrom(t) … rowFrom(t+1)). */
  index: Uint32Array;
  /**
   * Same length as index, used by each thread in its own range: partition scratch, and OP_SCORES' group of each
   * row (addLeafScores).
   */
  scratch: Uint32Array;
  /** rows × channels: each row's channel values for the tree being grown. */
  values: Float64Array;
  channels: number;
  threads: number;
  plan: Int32Array;
  /**
   * The partition plan (OP_PARTITION), apart from `plan` so that one command can partition the rows and then
   * build the children's histograms from the plan's histogram part (OP_PARTITION_SPLITS).
   */
  partitions: Int32Array;
  /** Histogram buffers by id. */
  histograms: Float64Array[];
  /** While binning: the rows to bin and where the cut points go. */
  binning?: BinningMemory;
  /** The tree's per-row inputs, for OP_SAMPLE. */
  targets?: RowTargets;
  /** The learner's raw scores (rows × plan's outputs), for OP_SCORES. */
  scores?: Float64Array;
  /** Bumped whenever a buffer above is replaced (worker threads must be handed the new one). */
  version: number;
}

/** A tree's per-row inputs: w, w·a and w·b as GrowthTargets (../grow-tree.ts) has them, or BootstrapTargets. */
export type RowTargets = GrowthRowTargets | BootstrapTargets;

/** GrowthTargets' per-row inputs. */
export interface GrowthRowTargets {
  outputs: number;
  weight: Float64Array;
  weightedA: Float64Array;
  weightedB: Float64Array;
  /**
   * Set when w·a and w·b (one output) are already the rows' channel values (the derivatives were written there,
   * RoundRows' toChannelValues), every weight is 1, and weightedA and weightedB are not read; `unitB`: every b
   * is 1.
   */
  inValues?: { unitB: boolean };
}

/**
 * A forest tree's inputs, made per row when sampled rather than stored (three float64 arrays of rows per thread):
 * w = counts[row] (the bootstrap's), a = y (regression) or the one-hot class y (classification), b = 1.
 */
export interface BootstrapTargets {
  outputs: number;
  counts: Uint8Array | Uint32Array;
  y: Float64Array;
  classification: boolean;
}

export interface BinningMemory {
  /** rows × features, column-major (a copy of the training rows in shared memory: columnMajor). */
  x: Float32Array;
  /** The rows the cut points come from. */
  sample: Uint32Array;
  maxBins: number;
  /** features × MAX_BINS: feature f's cut points at [f·MAX_BINS, f·MAX_BINS + cutCounts[f]). */
  cuts: Float32Array;
  cutCounts: Int32Array;
}

export const OP_PARTITION = 1;
export const OP_HISTOGRAMS = 2;
/** Cut points of a block of features per unit (CUT_UNITS of them), then the bins of each thread's rows. */
export const OP_CUTS = 3;
export const OP_BIN = 4;
/** Each thread's rows of positive weight into its range of the index, and their channel values. */
export const OP_SAMPLE = 5;
/** Adds the leaves' values to the scores of their rows. */
export const OP_SCORES = 6;
export type LevelOp =
  | typeof OP_PARTITION
  | typeof OP_HISTOGRAMS
  | typeof OP_CUTS
  | typeof OP_BIN
  | typeof OP_SAMPLE
  | typeof OP_SCORES;

/** First index position of thread t's rows. */
export function rowFrom(rows: number, threads: number, t: number): number {
  return Math.floor((t * rows) / threads);
}

// OP_PARTITION plan (memory.partitions): [count, then per split: feature, bin, missingLeft, threads × (from, to),
// threads × middle, then children, per child: the split's index, side (0: left child, 1: right), target]; the
// children are read by the commands that partition first (OP_PARTITION_SPLITS, OP_SCORES), which write each
// unit's rows of a child where the command's second part reads them (writeChildRows).
/** Ints per split in an OP_PARTITION plan. */
export const partitionEntry = (threads: number) => 3 + 3 * threads;
// OP_HISTOGRAMS plan: [slots, slotFeatures…, requests, per request: histogram id, threads × (from, to),
//                      pairs, per pair: parent id, smaller id] (the parent becomes parent − smaller).
/** Ints per request in an OP_HISTOGRAMS plan. */
export const requestEntry = (threads: number) => 1 + 2 * threads;

export function runLevelWork(memory: LevelMemory, op: LevelOp, thread: number): void {
  if (op === OP_PARTITION) partitionSegments(memory, thread);
  else if (op === OP_HISTOGRAMS) buildHistograms(memory, thread);
  else if (op === OP_CUTS) findCuts(memory, thread);
  else if (op === OP_BIN) binThreadRows(memory, thread);
  else if (op === OP_SAMPLE) sampleRows(memory, thread);
  else addLeafScores(memory, thread);
}

// OP_SAMPLE writes to memory.partitions: [threads × end of the thread's sampled rows, threads × 1 when each of
// the thread's sampled rows has B = 1 (its B sums then count rows), else 0].
export function sampleRows(memory: LevelMemory, thread: number): void {
  const targets = memory.targets as RowTargets;
  if ("counts" in targets) {
    sampleBootstrap(memory, targets, thread);
    return;
  }
  const { rows, threads, index, values, channels, partitions: plan } = memory;
  const { outputs, weight, weightedA, weightedB } = targets;
  const counted = channels === outputs + 2;
  let write = rowFrom(rows, threads, thread);
  const last = rowFrom(rows, threads, thread + 1);
  if (outputs === 1 && channels === 2 && targets.inValues !== undefined) {
    // Boosting's values are in place and every weight is 1: the index is every row.
    identityIndex(index, write, last);
    plan[thread] = last;
    plan[threads + thread] = targets.inValues.unitB ? 1 : 0;
    return;
  }
  if (outputs === 1 && channels === 2) {
    // Boosting's case, the one run every tree: a loop without the generic one's inner loops.
    const end = sampleBoosting(index, values, weight, weightedA, weightedB, write, last);
    plan[thread] = end;
    plan[threads + thread] = sampledOnes;
    return;
  }
  let ones = 1;
  for (let row = write; row < last; row++) {
    if (!((weight[row] as number) > 0)) continue;
    index[write++] = row;
    const at = row * channels;
    for (let d = 0; d < outputs; d++) values[at + d] = weightedA[row * outputs + d] as number;
    const b = weightedB[row] as number;
    values[at + outputs] = b;
    if (b !== 1) ones = 0;
    if (counted) values[at + outputs + 1] = 1;
  }
  plan[thread] = write;
  plan[threads + thread] = ones;
}

/** Whether every row sampleBoosting's last call sampled has B = 1. */
let sampledOnes = 1;

/**
 * sampleRows' boosting case over rows [from, to): returns where its sampled rows end in index (and sets
 * sampledOnes). A function of its own, so that the code after the loop does not sit in the loop's
 * on-stack-replacement code without type feedback (a deoptimisation every call).
 */
function sampleBoosting(
  index: Uint32Array,
  values: Float64Array,
  weight: Float64Array,
  weightedA: Float64Array,
  weightedB: Float64Array,
  from: number,
  to: number,
): number {
  let write = from;
  let ones = 1;
  for (let row = from; row < to; row++) {
    if (!((weight[row] as number) > 0)) continue;
    index[write++] = row;
    const b = weightedB[row] as number;
    values[row << 1] = weightedA[row] as number;
    values[(row << 1) + 1] = b;
    if (b !== 1) ones = 0;
  }
  sampledOnes = ones;
  return write;
}

/** index[row] = row for the rows [from, to). */
function identityIndex(index: Uint32Array, from: number, to: number): void {
  for (let row = from; row < to; row++) index[row] = row;
}

/** sampleRows with BootstrapTargets: the same channel values as their GrowthTargets (w · y is the same float). */
function sampleBootstrap(memory: LevelMemory, targets: BootstrapTargets, thread: number): void {
  const { rows, threads, index, values, channels, partitions: plan } = memory;
  const { outputs, counts, y, classification } = targets;
  const counted = channels === outputs + 2;
  let write = rowFrom(rows, threads, thread);
  const last = rowFrom(rows, threads, thread + 1);
  let ones = 1;
  for (let row = write; row < last; row++) {
    const w = counts[row] as number;
    if (w === 0) continue;
    index[write++] = row;
    const at = row * channels;
    if (classification) {
      values.fill(0, at, at + outputs);
      values[at + (y[row] as number)] = w;
    } else values[at] = w * (y[row] as number);
    values[at + outputs] = w;
    if (w !== 1) ones = 0;
    if (counted) values[at + outputs + 1] = 1;
  }
  plan[thread] = write;
  plan[threads + thread] = ones;
}

/**
 * Σ w·a (into `sumA`, D per row) and Σ w·b (returned) over the rows of `segments` (threads × (from, to) of index),
 * in that order: the node's rows ascending, whatever the thread count. Reads the rows' channel values (OP_SAMPLE).
 */
export function sumRows(
  index: Uint32Array,
  segments: Int32Array,
  values: Float64Array,
  channels: number,
  outputs: number,
  sumA: Float64Array,
): number {
  let b = 0;
  if (outputs === 1) {
    let a = 0;
    for (let s = 0; s < segments.length; s += 2)
      for (let p = segments[s] as number, end = segments[s + 1] as number; p < end; p++) {
        const at = (index[p] as number) * channels;
        a += values[at] as number;
        b += values[at + 1] as number;
      }
    sumA[0] = a;
    return b;
  }
  sumA.fill(0);
  for (let s = 0; s < segments.length; s += 2)
    for (let p = segments[s] as number, end = segments[s + 1] as number; p < end; p++) {
      const at = (index[p] as number) * channels;
      for (let d = 0; d < outputs; d++) sumA[d] = (sumA[d] as number) + (values[at + d] as number);
      b += values[at + outputs] as number;
    }
  return b;
}

/**
 * The node's Σ A (into `sumA`, D of them) and Σ B (returned) from its histogram: the sums over the first slot's
 * bins, missing included (every slot holds every row of the node once).
 */
export function histogramTotals(histogram: Float64Array, channels: number, sumA: Float64Array): number {
  const outputs = sumA.length;
  sumA.fill(0);
  let b = 0;
  for (let at = 0, end = HISTOGRAM_BINS * channels; at < end; at += channels) {
    for (let d = 0; d < outputs; d++) sumA[d] = (sumA[d] as number) + (histogram[at + d] as number);
    b += histogram[at + outputs] as number;
  }
  return b;
}

// OP_SCORES plan: [leaves, outputs, k, flags, leaves × value (float64), leaves × threads × (from, to)].
/** Where OP_SCORES's segments start in the plan. */
export const scoresSegments = (leaves: number) => 4 + 2 * leaves;
/**
 * OP_SCORES flag: the partition plan's splits have leaves for children (listed in pairs, left then right; target:
 * the leaf's index), whose rows are not partitioned: each row of a split gets its side's leaf value.
 */
export const SCORES_AFTER_PARTITION = 1;
/** OP_SCORES flag: then each unit's derivatives at the new scores (thread-work.ts). */
export const SCORES_THEN_DERIVATIVES = 2;

/**
 * The next round's derivatives (one output), computed by OP_SCORES for each row right after its new score instead
 * of in a pass of their own: the objective's per-row pair, written to the row's channel values, and the rows' y.
 */
export interface ScoreDerivatives {
  pair: DerivativePair;
  y: Float64Array;
}

/**
 * OP_SCORES' unit, with `derivatives`. The tree holds every row and partitions stay within a unit's range, so the
 * unit's positions of the index hold exactly its rows [rowFrom(unit), rowFrom(unit + 1)), each in one leaf's
 * segment or one pending split's. Each row is first marked with its group (a split, scored by the side its row
 * goes to, or a leaf) in memory.scratch, then the rows are scored in ascending order: the scores (and y and
 * the channel values) are read and written in sequence instead of in one scattered pass per node. Each row still
 * gets one addition, of the same value.
 */
export function addLeafScores(memory: LevelMemory, unit: number, derivatives?: ScoreDerivatives): void {
  const { rows, threads: units, scratch, columns, values } = memory;
  const scores = memory.scores as Float64Array;
  const outputs = memory.plan[1] as number;
  const k = memory.plan[2] as number;
  const groups = markRowGroups(memory, unit);
  const from = rowFrom(rows, units, unit);
  const to = rowFrom(rows, units, unit + 1);
  if (derivatives === undefined) groupScores(groups, scratch, columns, scores, from, to, outputs, k);
  else
    groupScoresThenPairs(groups, scratch, columns, scores, from, to, derivatives.pair, derivatives.y, values);
}

/**
 * Per group of rows scored alike: the split's column (feature × rows), limit (split bin + 1) and missingLeft, and
 * its two leaf values by side (at 2·group + side; 1: left, as the partition kernel computes it). A leaf is a
 * group whose both sides have its value (column 0, limit 0: every row's side is 0).
 */
interface RowGroups {
  column: Int32Array;
  limit: Int32Array;
  missingLeft: Int32Array;
  value: Float64Array;
}

/** Per thread: the groups of the unit being scored, grown as needed. */
let rowGroups: RowGroups = groupsOf(64);

function groupsOf(size: number): RowGroups {
  return {
    column: new Int32Array(size),
    limit: new Int32Array(size),
    missingLeft: new Int32Array(size),
    value: new Float64Array(2 * size),
  };
}

/** The OP_SCORES plan's groups (the partition plan's splits, then the leaves), each unit row's in scratch[row]. */
function markRowGroups(memory: LevelMemory, unit: number): RowGroups {
  const { rows, index, scratch, plan, partitions, threads: units } = memory;
  const leaves = plan[0] as number;
  const leafValues = new Float64Array(plan.buffer, plan.byteOffset + 16, leaves);
  const entry = partitionEntry(units);
  const afterPartition = ((plan[3] as number) & SCORES_AFTER_PARTITION) !== 0;
  let child = 1 + (partitions[0] as number) * entry;
  const children = afterPartition ? (partitions[child++] as number) : 0;
  if (rowGroups.column.length < children / 2 + leaves) rowGroups = groupsOf(children / 2 + leaves);
  const groups = rowGroups;
  let group = 0;
  for (let c = 0; c < children; c += 2, child += 6, group++) {
    const split = 1 + (partitions[child] as number) * entry;
    groups.column[group] = (partitions[split] as number) * rows;
    groups.limit[group] = (partitions[split + 1] as number) + 1;
    groups.missingLeft[group] = partitions[split + 2] as number;
    groups.value[2 * group + 1] = leafValues[partitions[child + 2] as number] as number;
    groups.value[2 * group] = leafValues[partitions[child + 5] as number] as number;
    markRows(
      index,
      scratch,
      group,
      partitions[split + 3 + 2 * unit] as number,
      partitions[split + 4 + 2 * unit] as number,
    );
  }
  for (
    let leaf = 0, at = scoresSegments(leaves) + 2 * unit;
    leaf < leaves;
    leaf++, at += 2 * units, group++
  ) {
    groups.column[group] = 0;
    groups.limit[group] = 0;
    groups.missingLeft[group] = 0;
    groups.value[2 * group] = leafValues[leaf] as number;
    groups.value[2 * group + 1] = leafValues[leaf] as number;
    markRows(index, scratch, group, plan[at] as number, plan[at + 1] as number);
  }
  return groups;
}

/** marks[row] = group for the rows index[from … to). */
function markRows(index: Uint32Array, marks: Uint32Array, group: number, from: number, to: number): void {
  for (let p = from; p < to; p++) marks[index[p] as number] = group;
}

/** Column k of the scores of rows [from, to) plus their group's value on their side (branch-free). */
function groupScores(
  groups: RowGroups,
  groupOf: Uint32Array,
  columns: Uint8Array,
  scores: Float64Array,
  from: number,
  to: number,
  outputs: number,
  k: number,
): void {
  const { column, limit, missingLeft, value } = groups;
  for (let row = from; row < to; row++) {
    const group = groupOf[row] as number;
    const bin = columns[(column[group] as number) + row] as number;
    const side =
      ((bin - (limit[group] as number)) >>> 31) |
      ((missingLeft[group] as number) & ((MISSING_BIN - 1 - bin) >>> 31));
    const at = row * outputs + k;
    scores[at] = (scores[at] as number) + (value[2 * group + side] as number);
  }
}

/**
 * groupScores with one output, then each row's derivative pair at its new score into its channel values. The side
 * expression is written out in both loops on purpose: the same expression in a shared function made this loop
 * ≈ 50 % slower (CPU profile, 1M rows: 580 → 860 ms), though V8 inlined it.
 */
function groupScoresThenPairs(
  groups: RowGroups,
  groupOf: Uint32Array,
  columns: Uint8Array,
  scores: Float64Array,
  from: number,
  to: number,
  pair: DerivativePair,
  y: Float64Array,
  values: Float64Array,
): void {
  const { column, limit, missingLeft, value } = groups;
  for (let row = from; row < to; row++) {
    const group = groupOf[row] as number;
    const bin = columns[(column[group] as number) + row] as number;
    const side =
      ((bin - (limit[group] as number)) >>> 31) |
      ((missingLeft[group] as number) & ((MISSING_BIN - 1 - bin) >>> 31));
    const score = (scores[row] as number) + (value[2 * group + side] as number);
    scores[row] = score;
    pair(score, y[row] as number, values, row << 1);
  }
}

/**
 * Units of OP_CUTS, each a block of features (some empty when there are fewer features): more than threads,
 * so that a thread that starts late or runs slower takes fewer of them.
 */
export const CUT_UNITS = 32;

/** Each thread's buffers for OP_CUTS, kept for the units it runs while the fit's binning lasts. */
const cutScratches = new WeakMap<BinningMemory, CutScratch>();

function findCuts(memory: LevelMemory, unit: number): void {
  const { features } = memory;
  const binning = memory.binning as BinningMemory;
  const { x, sample, maxBins, cuts, cutCounts } = binning;
  let scratch = cutScratches.get(binning);
  if (scratch === undefined) {
    scratch = new CutScratch(sample.length);
    cutScratches.set(binning, scratch);
  }
  for (let f = rowFrom(features, CUT_UNITS, unit); f < rowFrom(features, CUT_UNITS, unit + 1); f++) {
    const found = featureCuts(x, columnMajor(memory.rows), f, sample, maxBins, scratch);
    cuts.set(found, f * MAX_BINS);
    cutCounts[f] = found.length;
  }
}

/** Feature f's cut points, as OP_CUTS left them. */
export function cutsOf(binning: BinningMemory, f: number): Float32Array {
  return binning.cuts.subarray(f * MAX_BINS, f * MAX_BINS + (binning.cutCounts[f] as number));
}

function binThreadRows(memory: LevelMemory, thread: number): void {
  const { rows, features, threads, bins, columns } = memory;
  const binning = memory.binning as BinningMemory;
  const thresholds = Array.from({ length: features }, (_, f) => cutsOf(binning, f));
  binRows(
    binning.x,
    columnMajor(rows),
    features,
    thresholds,
    bins,
    columns,
    rowFrom(rows, threads, thread),
    rowFrom(rows, threads, thread + 1),
  );
}

/**
 * After unit `unit`'s partition: its rows of each child listed in the partition plan, (from, to) at
 * out[at(target)], out[at(target) + 1].
 */
export function writeChildRows(
  memory: LevelMemory,
  unit: number,
  out: Int32Array,
  at: (target: number) => number,
  splitFrom = 0,
  splitTo = memory.partitions[0] as number,
): void {
  const { partitions, threads: units } = memory;
  const entry = partitionEntry(units);
  let child = 1 + (partitions[0] as number) * entry;
  for (let c = 0, children = partitions[child++] as number; c < children; c++, child += 3) {
    const s = partitions[child] as number;
    if (s < splitFrom || s >= splitTo) continue;
    const split = 1 + s * entry;
    const from = partitions[split + 3 + 2 * unit] as number;
    const to = partitions[split + 4 + 2 * unit] as number;
    const middle = partitions[split + 3 + 2 * units + unit] as number;
    const where = at(partitions[child + 2] as number);
    const left = partitions[child + 1] === 0;
    out[where] = left ? from : middle;
    out[where + 1] = left ? middle : to;
  }
}

/**
 * Stable partitions of this thread's segment of every split node (of the splits [splitFrom, splitTo) of the plan):
 * rows with bin <= split bin go left.
 */
export function partitionSegments(
  memory: LevelMemory,
  thread: number,
  splitFrom = 0,
  splitTo = memory.partitions[0] as number,
): void {
  const { columns, rows, index, scratch, partitions: plan, threads } = memory;
  const partition = partitionKernel(index, scratch, columns);
  const size = partitionEntry(threads);
  for (let s = splitFrom, at = 1 + splitFrom * size; s < splitTo; s++, at += size) {
    const from = plan[at + 3 + 2 * thread] as number;
    const to = plan[at + 4 + 2 * thread] as number;
    plan[at + 3 + 2 * threads + thread] = partition(
      (plan[at] as number) * rows,
      plan[at + 1] as number,
      plan[at + 2] as number,
      from,
      to,
    );
  }
}

function buildHistograms(memory: LevelMemory, thread: number): void {
  const { plan, threads, channels, histograms } = memory;
  const slots = plan[0] as number;
  const blocks = Math.min(threads, slots);
  if (thread >= blocks) return;
  const slotFrom = Math.round((thread * slots) / blocks);
  const slotTo = Math.round(((thread + 1) * slots) / blocks);
  const slotFeatures = plan.subarray(1, 1 + slots);
  let at = 1 + slots;
  const requests = plan[at++] as number;
  const size = requestEntry(threads);
  for (let r = 0; r < requests; r++, at += size)
    fillHistogram(
      memory,
      slotFeatures,
      slotFrom,
      slotTo,
      plan.subarray(at + 1, at + size),
      histograms[plan[at] as number] as Float64Array,
    );
  const pairs = plan[at++] as number;
  const stride = HISTOGRAM_BINS * channels;
  for (let q = 0; q < pairs; q++, at += 2) {
    const parent = histograms[plan[at] as number] as Float64Array;
    const smaller = histograms[plan[at + 1] as number] as Float64Array;
    for (let i = slotFrom * stride, end = slotTo * stride; i < end; i++)
      parent[i] = (parent[i] as number) - (smaller[i] as number);
  }
}

/**
 * The histogram of one node's rows (segments: threads × (from, to) of index) for the slots [slotFrom, slotTo):
 * per slot and bin, the sums of the rows' channel values. Slots outside the range are left untouched. Row by
 * row: one read of a row's values and of its bins (one cache line) serves every slot.
 */
export function fillHistogram(
  memory: LevelMemory,
  slotFeatures: Int32Array,
  slotFrom: number,
  slotTo: number,
  segments: Int32Array,
  out: Float64Array,
): void {
  const { bins, features, index, values, channels } = memory;
  const stride = HISTOGRAM_BINS * channels;
  const first = slotFeatures[slotFrom] as number;
  const count = slotTo - slotFrom;
  let contiguous = true;
  for (let slot = slotFrom; slot < slotTo; slot++)
    if (slotFeatures[slot] !== first + slot - slotFrom) contiguous = false;
  // Boosting's case (gradient and hessian) on every feature or a run of them: the hot loop.
  if (channels === 2 && contiguous) {
    boostingHistogram(bins, values, features, index, segments, first, count, out, slotFrom * stride);
    return;
  }
  out.fill(0, slotFrom * stride, slotTo * stride);
  for (let s = 0; s < segments.length; s += 2) {
    const from = segments[s] as number;
    const to = segments[s + 1] as number;
    for (let p = from; p < to; p++) {
      const row = index[p] as number;
      const k = row * channels;
      const rowBins = row * features;
      for (let slot = slotFrom; slot < slotTo; slot++) {
        const at = slot * stride + (bins[rowBins + (slotFeatures[slot] as number)] as number) * channels;
        for (let c = 0; c < channels; c++) out[at + c] = (out[at + c] as number) + (values[k + c] as number);
      }
    }
  }
}
