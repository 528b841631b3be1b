// Histogram-based tree growth (the design of XGBoost's `hist`, LightGBM and scikit-learn's
// HistGradientBoosting), with the criterion, parameters and output of the exact learner (../grow-tree.ts):
//   - rows are kept as one index array, one range per thread; a node owns a contiguous segment of each range,
//     partitioned stably (rows stay in ascending order, so the column reads of a histogram pass move forward
//     through memory);
//   - a node's split comes from its histogram (per feature and bin: Σ w·a, Σ w·b), a scan over ≤ 256 bins;
//   - depth-wise: the nodes of one level are split together; of two children only the smaller one's histogram
//     is built from rows, the larger one's is the parent's minus it (in the parent's buffer).
// The row-heavy part of each level (partitions, histogram passes) goes through a LevelExecutor, which may spread
// it over worker threads (level-work.ts). By row blocks (block-histograms.ts), split finding rides on the
// histograms' reduction unless features are drawn per split; otherwise it runs on the calling thread. Each
// command is a wake-up of the worker threads and a wait for the slowest, so a boosting tree of depth d takes
// d + 1 of them when B counts rows (B = 1 on every sampled row, as with the squared error), the reduction riding
// as a second phase on the command that builds the partial histograms:
//   - the sample with the root's partial histograms, then their reduction with the root's split;
//   - per level: the partition with the smaller children's partial histograms (the children's row counts are
//     the split's left B and the rest, known before the partition), then the reduction with their splits;
//   - the last level's partition with the leaves' scores and the next round's derivatives (addHistTreeScores).
// Otherwise a level's partition is a command of its own, before the histograms.
import type { Random } from "../../random.js";
import type { GrownTree, GrowthParams, GrowthTargets } from "../grow-tree.js";
import { leafValue, nodeSquares, splitGain } from "../split-gain.js";
import { compactLeafSamples, compactRight, type TreeColumns } from "../tree-ensemble.js";
import {
  type BinnedMatrix,
  type BinningOptions,
  binColumns,
  MAX_BINS,
  MISSING_BIN,
  sketchSample,
  valueBins,
} from "./bin-mapper.js";
import {
  blockPlanLength,
  mergeBlockSplits,
  OP_HISTOGRAM_SPLITS,
  OP_PARTITION_SPLITS,
  OP_REDUCE_SPLITS,
  OP_SAMPLE_SPLITS,
  planBlocks,
  SPLIT_GROUPS,
  type SplitRequest,
  setPartitionGroups,
} from "./block-histograms.js";
import { HISTOGRAM_BINS, histogramLength, SMALL_NODE_ROWS } from "./histogram.js";
import { IntList } from "./int-list.js";
import type { LevelExecutor } from "./level-executor.js";
import {
  type BinningMemory,
  type BootstrapTargets,
  cutsOf,
  histogramTotals,
  type LevelMemory,
  OP_BIN,
  OP_CUTS,
  OP_HISTOGRAMS,
  OP_PARTITION,
  OP_SAMPLE,
  OP_SCORES,
  partitionEntry,
  type RowTargets,
  requestEntry,
  rowFrom,
  SCORES_AFTER_PARTITION,
  SCORES_THEN_DERIVATIVES,
  scoresSegments,
  sumRows,
} from "./level-work.js";
import { transposeToColumns } from "./matrix-layout.js";
import type { RoundMemory } from "./round-rows.js";
import { copyElements } from "./shared-copy.js";
import {
  copyCandidate,
  emptyCandidate,
  type NodeRows,
  type SplitCandidate,
  type SplitLimits,
  scanNodeFeature,
} from "./split-finder.js";
import { runWork, type WorkOp } from "./thread-work.js";

export { SMALL_NODE_ROWS } from "./histogram.js";

/** The memory a workspace's live histograms may take (64 MiB: ~800 histograms of 20 features). */
export const HISTOGRAM_BUDGET_BYTES = 64 * 1024 * 1024;
/**
 * Histogram buffers allocated at once when none is free (with worker threads): a depth-6 tree's levels take
 * about 50, so its first batch is the only one a fit hands its workers.
 */
const HISTOGRAM_BATCH = 64;
/** Live histograms allowed whatever the budget in bytes. */
export const MIN_HISTOGRAM_BUDGET = 16;

/**
 * The plans' first length: with worker threads, room for a depth-wise tree's levels from the start (each larger
 * plan is new memory the workers must be handed, a message round trip: 7 hand-overs a 200k-row fit took 3–30 ms).
 */
const initialPlanInts = (executor: LevelExecutor) => (executor.threads > 1 ? 1 << 14 : 256);

/** Whether the threads' `known` inputs are `targets`' (the same arrays, the same unit B). */
function sameTargets(targets: GrowthTargets | ForestTargets, known: RowTargets): boolean {
  if ("counts" in targets)
    return "counts" in known && known.counts === targets.counts && known.y === targets.y;
  return (
    !("counts" in known) &&
    known.weight === targets.weight &&
    known.weightedA === targets.weightedA &&
    known.weightedB === targets.weightedB &&
    known.inValues?.unitB === targets.inValues?.unitB
  );
}

/** The per-row arrays of a tree's inputs. */
function targetArrays(targets: GrowthTargets | ForestTargets): ArrayBufferView[] {
  return "counts" in targets
    ? [targets.counts, targets.y]
    : [targets.weight, targets.weightedA, targets.weightedB];
}

/** Buffers reused across the trees of one fit, in the memory the executor's threads share. */
export class HistWorkspace {
  readonly memory: LevelMemory;
  private readonly free: number[] = [];
  private readonly histogramSize: number;
  /** Histograms taken and not released. */
  live = 0;
  /** Live histograms a tree may hold (a forest's deep levels would otherwise hold one per large node). */
  readonly budget: number;
  /** The last tree's node columns, reused by the next (same thread count and outputs); not exported trees'. */
  nodeColumns: NodeColumns | undefined;
  /**
   * The last exported tree's node gains, samples, missing directions and children, reused by the next: the tree
   * keeps copies of the latter three (compact ones, mostly), not these.
   */
  nodeGain: Float64Array | undefined;
  nodeSamples: Float32Array | Float64Array | undefined;
  nodeMissingLeft: Uint8Array | undefined;
  nodeChild: Int32Array | undefined;
  /** The last tree's open-node columns, reused likewise; with HistTree's segments for boosting. */
  openColumns: (OpenColumns & { treeSegments?: Int32Array }) | undefined;
  /** growNodes' lists of a level's nodes, reused across levels and trees (see IntList). */
  readonly nodeLists = {
    level: new IntList(),
    next: new IntList(),
    chunk: new IntList(),
    splitting: new IntList(),
    findable: new IntList(),
  };
  constructor(
    readonly binned: BinnedMatrix,
    channels: number,
    readonly executor: LevelExecutor,
    budgetBytes = HISTOGRAM_BUDGET_BYTES,
    /** Row blocks of the index (LevelMemory.threads): the same model whatever the executor's thread count. */
    units = executor.threads,
  ) {
    const { rows } = binned;
    this.histogramSize = histogramLength(binned.features, channels);
    this.budget = Math.max(MIN_HISTOGRAM_BUDGET, Math.floor(budgetBytes / (8 * this.histogramSize)));
    // Every field, the optional ones too, from the start and in one order: the memory object then keeps one
    // hidden class for the whole fit and from fit to fit, on every thread (a worker rebuilds it key by key). A
    // field added during a fit gave V8's optimised code of the last fit a shape it had not seen: it deoptimised
    // at the next fit's start (about 15 functions per thread) and compiled again while the fit's threads ran.
    const memory: RoundMemory = {
      bins: binned.bins,
      columns: binned.columns,
      rows,
      features: binned.features,
      index: executor.uint32(rows),
      scratch: executor.uint32(rows),
      values: executor.float64(rows * channels),
      channels,
      threads: units,
      plan: executor.int32(initialPlanInts(executor)),
      partitions: executor.int32(initialPlanInts(executor)),
      histograms: [],
      binning: undefined,
      targets: undefined,
      scores: undefined,
      round: undefined,
      derived: undefined,
      version: 0,
    };
    this.memory = memory;
    // The first batch with the threads' first memory, not in a hand-over of its own at the first tree's root.
    if (executor.threads > 1) this.addHistograms();
  }

  /**
   * Bins `x` (rows × features, row-major) and the workspace over it. With worker threads, each thread finds the
   * cut points of a block of features, then bins a block of rows: the same bins as binColumns.
   */
  static async fromRows(
    x: Float32Array,
    rows: number,
    features: number,
    options: BinningOptions,
    channels: number,
    executor: LevelExecutor,
    units = executor.threads,
  ): Promise<HistWorkspace> {
    if (executor.threads === 1)
      return new HistWorkspace(
        binColumns(x, rows, features, options),
        channels,
        executor,
        HISTOGRAM_BUDGET_BYTES,
        units,
      );
    const binned: BinnedMatrix = {
      rows,
      features,
      bins: executor.uint8(rows * features),
      columns: executor.uint8(rows * features),
      thresholds: [],
    };
    const space = new HistWorkspace(binned, channels, executor, HISTOGRAM_BUDGET_BYTES, units);
    const sample = sketchSample(rows, options);
    const binning: BinningMemory = {
      x: executor.float32(x.length),
      sample: executor.uint32(sample.length),
      maxBins: valueBins(options),
      cuts: executor.float32(features * MAX_BINS),
      cutCounts: executor.int32(features),
    };
    transposeToColumns(x, rows, features, binning.x);
    copyElements(binning.sample, 0, sample, 0, sample.length);
    space.memory.binning = binning;
    space.memory.version++;
    await executor.run(space.memory, OP_CUTS);
    await executor.run(space.memory, OP_BIN);
    for (let f = 0; f < features; f++) binned.thresholds.push(cutsOf(binning, f).slice());
    // Lets the threads drop the copy of x at the next run.
    space.memory.binning = undefined;
    space.memory.version++;
    return space;
  }
  /** A free histogram's id (memory.histograms[id]). */
  take(): number {
    this.live++;
    const id = this.free.pop();
    if (id !== undefined) return id;
    this.addHistograms();
    return this.free.pop() as number;
  }
  /**
   * New free histograms. With worker threads, a batch at a time (within the budget): each new buffer is new
   * memory the workers must be handed, a message round trip.
   */
  private addHistograms(): void {
    const first = this.memory.histograms.length;
    const batch = this.executor.threads > 1 ? Math.min(HISTOGRAM_BATCH, Math.max(1, this.budget - first)) : 1;
    const added = Array.from({ length: batch }, () => this.executor.float64(this.histogramSize));
    this.memory.histograms = [...this.memory.histograms, ...added];
    this.memory.version++;
    for (let i = batch - 1; i >= 0; i--) this.free.push(first + i);
  }
  release(id: number): void {
    if (id < 0) return;
    this.free.push(id);
    this.live--;
  }

  /**
   * Makes `targets` the rows' inputs of the trees grown next (memory.targets): new memory for the threads only
   * when its arrays are not those already held. A learner whose arrays stay the same for the whole fit calls this
   * before its first command on them, so that the threads take them with the rest of the fit's memory.
   */
  useTargets(targets: GrowthTargets | ForestTargets): void {
    const { memory } = this;
    const { outputs } = targets;
    const { targets: known } = memory;
    const inValues = "counts" in targets ? undefined : targets.inValues;
    if (known === undefined || !sameTargets(targets, known)) {
      memory.targets =
        "counts" in targets
          ? { outputs, counts: targets.counts, y: targets.y, classification: targets.classification }
          : {
              outputs,
              weight: targets.weight,
              weightedA: targets.weightedA,
              weightedB: targets.weightedB,
              ...(inValues === undefined ? {} : { inValues }),
            };
      memory.version++;
    }
  }

  /** Makes `scores` the raw scores OP_SCORES adds leaf values to (see useTargets). */
  useScores(scores: Float64Array): void {
    if (this.memory.scores === scores) return;
    this.memory.scores = scores;
    this.memory.version++;
  }

  /**
   * Runs a per-row op on every thread when the row arrays it reads or writes are shared memory; else (arrays the
   * worker threads cannot see) every thread's share on the calling thread.
   */
  runOnRows(op: WorkOp, arrays: ArrayBufferView[]): void | Promise<void> {
    if (arrays.every((array) => array.buffer instanceof SharedArrayBuffer) || this.executor.threads === 1)
      return this.executor.run(this.memory, op);
    runWork(this.memory, op);
  }

  /** The plan, with room for `length` ints. */
  plan(length: number): Int32Array {
    if (this.memory.plan.length < length) {
      this.memory.plan = this.executor.int32(2 * length);
      this.memory.version++;
    }
    return this.memory.plan;
  }

  /** The partition plan, with room for `length` ints. */
  partitionPlan(length: number): Int32Array {
    if (this.memory.partitions.length < length) {
      this.memory.partitions = this.executor.int32(2 * length);
      this.memory.version++;
    }
    return this.memory.partitions;
  }
}

/** A block plan's partial histograms (units per request, see planBlocks), and those taken for it. */
interface PlannedHistograms {
  partials: number[];
  taken: number[];
}

/**
 * A grown tree plus, per node, the bin it splits at (rows with bin <= splitBin go left, missing as said).
 * Its threshold, splitBin and segments are the workspace's, until the next tree is grown: copy what you keep.
 */
export interface HistTree extends GrownTree {
  splitBin: Int32Array;
  missingLeft: Uint8Array;
  /**
   * Per node, its rows: threads × (from, to) ranges of the workspace's index, until the next tree is grown; none
   * for the leaves of the pending partition (pendingChildren).
   */
  segments: Int32Array;
  /** Whether every row of the matrix was in the tree's sample (then the leaves' ranges cover all rows). */
  allRows: boolean;
  /**
   * Leaves whose rows are not partitioned (the partition planned in the workspace's memory, never run:
   * addHistTreeScores adds their values by the side of the split each row goes to): per split of that plan, its
   * children's ids (−1: undone).
   */
  pendingChildren?: Int32Array;
}

/**
 * A tree's nodes while it grows, in creation order, in the types of the exported columns: what every node keeps
 * until the tree is serialised (its sums, only while it is open: OpenColumns). An exported tree's columns are
 * permuted in place into pre-order and become the tree's (exportedTree).
 */
export interface NodeColumns {
  capacity: number;
  outputs: number;
  /** Per node, `outputs` leaf values of its sums, written when the node is made. */
  value: Float64Array;
  /** Per node, its B sum (float32 for exported trees whose root's stays within 2^24: whole counts, exact). */
  samples: Float32Array | Float64Array;
  feature: Int8Array | Int16Array | Int32Array;
  /** The split's bin (its threshold's cut point), set when the split is chosen. */
  bin: Uint8Array;
  missingLeft: Uint8Array;
  /** The node's first child (the second is the next node), −1 at leaves; the right child after exportedTree. */
  child: Int32Array;
  gain: Float64Array;
}

/**
 * What only a node that may still split needs, for the nodes [base, base + capacity) of the tree. Exported trees
 * (the forest's) keep it for the open levels only: a forest's trees have a million nodes and more, and these are
 * 40 more bytes a node. Otherwise (boosting: HistTree's segments and split bins) base stays 0.
 */
export interface OpenColumns {
  capacity: number;
  /** Per node, `width` entries of segments (2 × threads) and `outputs` of chosenLeftA. */
  width: number;
  outputs: number;
  segments: Int32Array;
  count: Int32Array;
  depth: Int32Array;
  splitBin: Int32Array;
  histogramOf: Int32Array;
  chosenLeftA: Float64Array;
  chosenLeftB: Float64Array;
  /** Per node, `outputs` of A and one of B. */
  sumA: Float64Array;
  sumB: Float64Array;
}

/** How an exported tree's columns are typed (see NodeColumns). */
interface ExportedTypes {
  features: number;
  float32Samples: boolean;
}

function nodeColumns(
  capacity: number,
  outputs: number,
  types: ExportedTypes | undefined,
  reused: Partial<Pick<NodeColumns, "gain" | "samples" | "missingLeft" | "child">> = {},
): NodeColumns {
  const features = types?.features ?? 2 ** 31;
  return {
    capacity,
    outputs,
    value: new Float64Array(capacity * outputs),
    samples:
      reused.samples ?? (types?.float32Samples ? new Float32Array(capacity) : new Float64Array(capacity)),
    feature:
      features <= 2 ** 7
        ? new Int8Array(capacity)
        : features <= 2 ** 15
          ? new Int16Array(capacity)
          : new Int32Array(capacity),
    bin: new Uint8Array(capacity),
    missingLeft: reused.missingLeft ?? new Uint8Array(capacity),
    child: reused.child ?? new Int32Array(capacity),
    gain: reused.gain ?? new Float64Array(capacity),
  };
}

function openColumns(capacity: number, width: number, outputs: number): OpenColumns {
  return {
    capacity,
    width,
    outputs,
    segments: new Int32Array(capacity * width),
    count: new Int32Array(capacity),
    depth: new Int32Array(capacity),
    splitBin: new Int32Array(capacity),
    histogramOf: new Int32Array(capacity),
    chosenLeftA: new Float64Array(capacity * outputs),
    chosenLeftB: new Float64Array(capacity),
    sumA: new Float64Array(capacity * outputs),
    sumB: new Float64Array(capacity),
  };
}

/** The most nodes a tree on `sampled` rows can have under `params`' depth and leaf limits (at least 1). */
function nodeBound(sampled: number, params: GrowthParams): number {
  let leaves = Math.max(1, sampled);
  if (params.maxDepth < 30) leaves = Math.min(leaves, 2 ** params.maxDepth);
  if (params.leafWise && params.maxLeaves !== undefined)
    leaves = Math.min(leaves, Math.max(1, params.maxLeaves));
  return 2 * leaves - 1;
}

/** The channels a learner's histograms need: A (D of them), B, and the row count when min_samples_leaf > 1. */
export function channelsFor(outputs: number, params: GrowthParams): number {
  return outputs + 1 + (params.minSamplesLeaf > 1 ? 1 : 0);
}

/** A node's feature while it has no chosen split; FOUND_NO_SPLIT: the threads found it none (takeSplits). */
const NO_FEATURE = -1;
const FOUND_NO_SPLIT = -2;
const noNodes = new Int32Array(0);
const noRequest = (): SplitRequest => {
  throw new Error("hist grower: a split request past the plan's count");
};

async function growNodes(
  space: HistWorkspace,
  activeFeatures: Int32Array,
  targets: GrowthTargets | ForestTargets,
  params: GrowthParams,
  random: Random,
  allowMissingLeft: boolean,
  /**
   * Set when the tree is to be exported (growExportedHistTree): its node columns are its own, and its open-node
   * columns cover the open levels only.
   */
  exportedTypes?: ExportedTypes,
): Promise<GrownNodes> {
  const exported = exportedTypes !== undefined;
  const { binned, memory, executor } = space;
  const { index, values, channels, threads } = memory;
  const { rows, bins, thresholds } = binned;
  const { outputs, pureKey } = targets;
  const counted = channels === outputs + 2;
  const slots = activeFeatures.length;
  const width = 2 * threads;
  const limits: SplitLimits = {
    outputs,
    channels,
    counted,
    minSamplesLeaf: params.minSamplesLeaf,
    minChildWeight: params.minChildWeight,
    lambda: params.lambda,
    allowMissingLeft,
  };

  // Histograms by row blocks (memory.threads units), reduced in unit order; else one unit, by blocks of features.
  const byBlocks = threads > 1;
  // Splits found by every thread with the histograms (block-histograms.ts), until chooseSplit takes them.
  const parallelSplits = threads > 1 && params.maxFeatures >= slots;
  const valueBins = Int32Array.from(activeFeatures, (f) => (thresholds[f] as Float32Array).length + 1);

  /**
   * Writes the histogram part of the plan: the histograms `ids` (request r's rows: units × (from, to), entry i
   * from rowsOf(r, i)), `pairs` (parent, smaller: parent −= smaller), with room for `splitCount` splits. By
   * blocks, takes the partial histograms (units per request: the request's own histogram first, unless `apart`).
   */
  const planHistograms = (
    ids: number[],
    rowsOf: (r: number, i: number) => number,
    pairs: number[],
    splitCount: number,
    apart = false,
  ): PlannedHistograms => {
    const partials: number[] = [];
    const taken: number[] = [];
    if (byBlocks)
      for (const id of ids)
        for (let u = 0; u < threads; u++) {
          const partial = u === 0 && !apart ? id : space.take();
          partials.push(partial);
          if (partial !== id) taken.push(partial);
        }
    const entry = requestEntry(threads);
    const plan = space.plan(
      byBlocks
        ? blockPlanLength(slots, ids.length, pairs.length / 2, splitCount, outputs, threads)
        : 3 + slots + entry * ids.length + pairs.length,
    );
    let at = 0;
    plan[at++] = slots;
    plan.set(activeFeatures, at);
    at += slots;
    plan[at++] = ids.length;
    ids.forEach((id, r) => {
      plan[at++] = id;
      for (let i = 0; i < width; i++) plan[at++] = rowsOf(r, i);
    });
    plan[at++] = pairs.length / 2;
    for (const id of pairs) plan[at++] = id;
    if (byBlocks) planBlocks(plan, threads, partials, limits, valueBins, 0, noRequest);
    return { partials, taken };
  };

  // Each thread's sampled rows, ascending, in its own range of the index. By blocks, each unit builds its part of
  // the root's histogram in the same command (reduced apart: its totals come with its split, below).
  space.useTargets(targets);
  const rootWithSample = byBlocks && rows >= SMALL_NODE_ROWS;
  const rootHistogram = rootWithSample ? space.take() : -1;
  const rootPlanned = rootWithSample
    ? planHistograms([rootHistogram], () => 0, [], parallelSplits ? 1 : 0, true)
    : undefined;
  if (rootPlanned !== undefined) {
    // The root's reduction and split in the same command, once the sample is known: its totals and row count come
    // from the partials and the sample, its rows from its histogram.
    const root: SplitRequest = {
      histogram: rootHistogram,
      segments: new Int32Array(width),
      totalsFrom: 0,
      totalA: new Float64Array(outputs),
      totalB: 0,
      totalCount: 0,
    };
    planBlocks(
      memory.plan,
      threads,
      rootPlanned.partials,
      limits,
      valueBins,
      parallelSplits ? 1 : 0,
      () => root,
    );
  }
  space.partitionPlan(2 * threads);
  await space.runOnRows(rootWithSample ? OP_SAMPLE_SPLITS : OP_SAMPLE, targetArrays(targets));
  const rootSegments = new Int32Array(width);
  let sampled = 0;
  // Whether every sampled row has B = 1: then a node's B is its row count (sums of ones are exact), and so is the
  // left B of its chosen split.
  let rowsCounted = true;
  for (let t = 0; t < threads; t++) {
    if (memory.partitions[threads + t] !== 1) rowsCounted = false;
    rootSegments[2 * t] = rowFrom(rows, threads, t);
    rootSegments[2 * t + 1] = memory.partitions[t] as number;
    sampled += (rootSegments[2 * t + 1] as number) - (rootSegments[2 * t] as number);
  }

  // Nodes in creation order; serialised in pre-order at the end. Typed arrays sized for the most nodes the tree
  // can have (every leaf holds a sampled row, and a depth limit caps them), so they are never outgrown: a
  // forest's trees grown to pure leaves have about twice as many nodes as sampled rows, and outgrown copies
  // would wait for the garbage collector. Pages of the bound that the tree never reaches are never touched, so
  // they cost no memory. Doubled when full all the same, should a split leave a child without rows.
  let nodes = 0;
  // The workspace's columns when large enough: reused across trees, they leave no garbage behind each tree. An
  // exported tree's columns are its own, all but the gains.
  const bound = nodeBound(sampled, params);
  const reusable = space.nodeColumns;
  const fits = <T extends ArrayBufferView & { length: number }>(column: T | undefined) =>
    column !== undefined && column.length >= bound ? column : undefined;
  const reusableSamples = fits(space.nodeSamples);
  let kept = exported
    ? nodeColumns(bound, outputs, exportedTypes, {
        gain: fits(space.nodeGain),
        missingLeft: fits(space.nodeMissingLeft),
        child: fits(space.nodeChild),
        samples:
          reusableSamples instanceof Float32Array === exportedTypes.float32Samples
            ? reusableSamples
            : undefined,
      })
    : reusable?.outputs === outputs && reusable.capacity >= bound
      ? reusable
      : nodeColumns(bound, outputs, undefined);
  const keepReusable = () => {
    if (exported) {
      space.nodeGain = kept.gain;
      space.nodeSamples = kept.samples;
      space.nodeMissingLeft = kept.missingLeft;
      space.nodeChild = kept.child;
    } else space.nodeColumns = kept;
  };
  keepReusable();
  let { capacity, value, samples, feature, bin, missingLeft, child, gain } = kept;
  // Open-node columns hold the nodes [base, base + openCapacity): exported trees move base to each level's
  // first node (their nodes' rows and histograms are not needed once they are split or left as leaves).
  let base = 0;
  const reusableOpen = space.openColumns;
  const openBound = exported ? Math.min(bound, 1024) : bound;
  let open =
    reusableOpen?.width === width &&
    reusableOpen.outputs === outputs &&
    reusableOpen.capacity >= openBound &&
    (exported || reusableOpen.treeSegments !== undefined)
      ? reusableOpen
      : {
          ...openColumns(openBound, width, outputs),
          ...(exported ? {} : { treeSegments: new Int32Array(openBound * width) }),
        };
  space.openColumns = open;
  // segments: threads × (from, to)
  let { segments, count, depth, splitBin, histogramOf, chosenLeftA, chosenLeftB, sumA, sumB } = open;
  const grown = <T extends Int32Array | Int16Array | Int8Array | Float64Array | Float32Array | Uint8Array>(
    column: T,
    length: number,
  ): T => {
    const larger = new (column.constructor as new (length: number) => T)(length);
    larger.set(column.subarray(0, Math.min(column.length, length)));
    return larger;
  };
  const growOpen = (to: number) => {
    open = {
      capacity: to,
      width,
      outputs,
      segments: grown(segments, to * width),
      count: grown(count, to),
      depth: grown(depth, to),
      splitBin: grown(splitBin, to),
      histogramOf: grown(histogramOf, to),
      chosenLeftA: grown(chosenLeftA, to * outputs),
      chosenLeftB: grown(chosenLeftB, to),
      sumA: grown(sumA, to * outputs),
      sumB: grown(sumB, to),
      ...(exported ? {} : { treeSegments: new Int32Array(to * width) }),
    };
    ({ segments, count, depth, splitBin, histogramOf, chosenLeftA, chosenLeftB, sumA, sumB } = open);
    space.openColumns = open;
  };
  /** Drops the open columns of the nodes before `first` (exported trees only). */
  const closeBefore = (first: number) => {
    const by = first - base;
    if (!exported || by <= 0) return;
    const live = nodes - first;
    segments.copyWithin(0, by * width, (by + live) * width);
    count.copyWithin(0, by, by + live);
    depth.copyWithin(0, by, by + live);
    splitBin.copyWithin(0, by, by + live);
    histogramOf.copyWithin(0, by, by + live);
    chosenLeftA.copyWithin(0, by * outputs, (by + live) * outputs);
    chosenLeftB.copyWithin(0, by, by + live);
    sumA.copyWithin(0, by * outputs, (by + live) * outputs);
    sumB.copyWithin(0, by, by + live);
    base = first;
  };
  const addNode = (nodeDepth: number, a: ArrayLike<number>, b: number) => {
    if (nodes === capacity) {
      const to = 2 * capacity;
      kept = {
        capacity: to,
        outputs,
        value: grown(value, to * outputs),
        samples: grown(samples, to),
        feature: grown(feature, to),
        bin: grown(bin, to),
        missingLeft: grown(missingLeft, to),
        child: grown(child, to),
        gain: grown(gain, to),
      };
      ({ capacity, value, samples, feature, bin, missingLeft, child, gain } = kept);
      keepReusable();
    }
    if (nodes - base === open.capacity) growOpen(2 * open.capacity);
    const id = nodes++;
    const o = id - base;
    segments.fill(0, o * width, (o + 1) * width);
    count[o] = 0;
    depth[o] = nodeDepth;
    splitBin[o] = 0;
    histogramOf[o] = -1;
    chosenLeftA.fill(0, o * outputs, (o + 1) * outputs);
    chosenLeftB[o] = 0;
    setSums(id, a, b);
    feature[id] = NO_FEATURE;
    bin[id] = 0;
    missingLeft[id] = 0;
    child[id] = -1;
    gain[id] = 0;
    return id;
  };
  /** The open node's sums, and so its value and samples. */
  function setSums(node: number, a: ArrayLike<number>, b: number): void {
    const o = node - base;
    for (let d = 0; d < outputs; d++) {
      sumA[o * outputs + d] = a[d] as number;
      value[node * outputs + d] = leafValue(a[d] as number, b, params.lambda, params.leafScale);
    }
    sumB[o] = b;
    samples[node] = b;
  }
  const setRows = (node: number, t: number, from: number, to: number) => {
    const o = node - base;
    segments[o * width + 2 * t] = from;
    segments[o * width + 2 * t + 1] = to;
    count[o] = (count[o] as number) + to - from;
  };

  const rootA = new Float64Array(outputs);
  addNode(0, rootA, 0);
  for (let t = 0; t < threads; t++)
    setRows(0, t, rootSegments[2 * t] as number, rootSegments[2 * t + 1] as number);

  const isPure = (node: number) => {
    if (pureKey === undefined) return false;
    let key: number | undefined;
    for (let t = 0; t < threads; t++)
      for (
        let p = segments[(node - base) * width + 2 * t] as number,
          end = segments[(node - base) * width + 2 * t + 1] as number;
        p < end;
        p++
      ) {
        const k = pureKey[index[p] as number] as number;
        if (key === undefined) key = k;
        else if (k !== key) return false;
      }
    return true;
  };
  const mayGrow = (node: number) => {
    const rowCount = count[node - base] as number;
    return !(
      rowCount < params.minSamplesSplit ||
      rowCount < 2 * params.minSamplesLeaf ||
      (depth[node - base] as number) >= params.maxDepth ||
      (sumB[node - base] as number) < 2 * params.minChildWeight ||
      (params.stopWhenPure && isPure(node))
    );
  };

  // Whether the children's row counts are known before the partition (from the split's left B when B counts
  // rows), with all that decides which children grow: then a level's partition and its children's histograms
  // are one command.
  const countsBeforePartition = threads > 1 && rowsCounted && !(params.stopWhenPure && pureKey !== undefined);
  /** Split nodes whose partition (planned in memory.partitions) has not run: their children are leaves. */
  let pendingPartition: Int32Array | undefined;
  /** Their children, left and right per split (gamma may undo a split later, clearing its left and right). */
  let pendingChildren: number[] = [];

  /**
   * Histograms of `requests` (node ids, histogram ids), then parent −= smaller for `pairs`, on every thread;
   * with parallel splits, then the splits of `splitNodes` (`histogramAt`: the histogram each will be chosen
   * from, −1: from its rows). With `partition`, the partition of `splitting` comes first (its plan written), in
   * the command that builds the histograms; `sources`: per request, the child it is (split, side, request).
   */
  const buildHistograms = async (
    requests: number[],
    pairs: number[],
    splitNodes: ArrayLike<number> = noNodes,
    histogramAt: (node: number) => number = (node) => histogramOf[node - base] as number,
    partition?: { splitting: ArrayLike<number>; sources: number[] },
  ) => {
    const planned = planHistograms(
      requests.filter((_, i) => i % 2 === 1),
      // With a partition first, each unit writes its rows of the children.
      partition === undefined
        ? (r, i) => segments[((requests[2 * r] as number) - base) * width + i] as number
        : () => 0,
      pairs,
      splitNodes.length,
    );
    if (!byBlocks) return executor.run(memory, OP_HISTOGRAMS);
    // A child's rows are known only once the partition has run: the reduction reads them from its plan. The
    // children of the partition's splits are consecutive nodes, two per split in order (applySplits).
    const firstChild = partition === undefined ? 0 : (child[partition.splitting[0] as number] as number);
    const children = partition === undefined ? 0 : 2 * partition.splitting.length;
    planBlocks(memory.plan, threads, planned.partials, limits, valueBins, splitNodes.length, (n) => {
      const node = splitNodes[n] as number;
      const o = node - base;
      const fromFirst = node - firstChild;
      if (fromFirst >= 0 && fromFirst < children) {
        side.split = fromFirst >> 1;
        side.side = fromFirst & 1;
        request.segments = side;
      } else {
        for (let i = 0; i < width; i++) requestSegments[i] = segments[o * width + i] as number;
        request.segments = requestSegments;
      }
      request.histogram = histogramAt(node);
      for (let d = 0; d < outputs; d++) requestA[d] = sumA[o * outputs + d] as number;
      request.totalB = sumB[o] as number;
      request.totalCount = count[o] as number;
      return request;
    });
    if (partition !== undefined) {
      // Sized by applySplits for a request per split.
      const partitions = memory.partitions;
      let tail = 1 + partitionEntry(threads) * partition.splitting.length;
      partitions[tail++] = partition.sources.length / 3;
      partitions.set(partition.sources, tail);
      // With worker threads, more units than threads: a thread that runs while another waits for a core takes more.
      const groups = executor.threads > 1 ? Math.min(partition.splitting.length, SPLIT_GROUPS) : 1;
      setPartitionGroups(partitions, threads, groups);
      await executor.run(memory, OP_PARTITION_SPLITS);
      placeChildren(partition.splitting, false);
    } else await executor.run(memory, requests.length > 0 ? OP_HISTOGRAM_SPLITS : OP_REDUCE_SPLITS);
    takeSplits(planned, splitNodes);
  };
  // One split request at a time, written into the plan by planBlocks.
  const requestSegments = new Int32Array(width);
  const requestA = new Float64Array(outputs);
  const side = { split: 0, side: 0 };
  const request: SplitRequest = {
    histogram: -1,
    segments: requestSegments,
    totalA: requestA,
    totalB: 0,
    totalCount: 0,
  };
  /** After the reduction of planned block histograms: the splits of `splitNodes` (see buildHistograms). */
  const merged: SplitCandidate & { slot: number } = { ...emptyCandidate(outputs), slot: -1 };
  // A split found this way is kept in the node's own columns until chooseSplit takes it (no column of a node
  // that has no chosen split is read before): its feature (FOUND_NO_SPLIT: none), proxy (in its gain), bin,
  // missing direction and left sums.
  const takeSplits = (planned: PlannedHistograms, splitNodes: ArrayLike<number>) => {
    for (const id of planned.taken) space.release(id);
    for (let n = 0; n < splitNodes.length; n++) {
      mergeBlockSplits(memory.plan, threads, outputs, n, merged);
      const node = splitNodes[n] as number;
      const o = node - base;
      if (merged.slot < 0) {
        feature[node] = FOUND_NO_SPLIT;
        continue;
      }
      feature[node] = activeFeatures[merged.slot] as number;
      gain[node] = merged.proxy;
      splitBin[o] = merged.bin;
      missingLeft[node] = merged.missingLeft ? 1 : 0;
      for (let d = 0; d < outputs; d++) chosenLeftA[o * outputs + d] = merged.leftA[d] as number;
      chosenLeftB[o] = merged.leftB;
    }
  };
  /** Of `nodes`, those whose split the next histogram command can find (a histogram, or few rows). */
  const findable = (
    nodes: ArrayLike<number>,
    histogramAt = (node: number) => histogramOf[node - base] as number,
  ): Int32Array => {
    const list = space.nodeLists.findable;
    list.clear();
    if (parallelSplits)
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as number;
        if (
          feature[node] === NO_FEATURE &&
          (histogramAt(node) >= 0 || (count[node - base] as number) < SMALL_NODE_ROWS)
        )
          list.push(node);
      }
    return list.view();
  };

  let rootB = 0;
  // The root's sums: from its histogram when it has one (a sum over one feature's bins instead of a pass over
  // every row), else from its rows.
  if (rootPlanned !== undefined && (count[0] as number) >= SMALL_NODE_ROWS) {
    histogramOf[0] = rootHistogram;
    takeSplits(rootPlanned, parallelSplits ? [0] : []);
    rootB = histogramTotals(memory.histograms[rootHistogram] as Float64Array, channels, rootA);
  } else if (rootPlanned !== undefined) {
    // Too few rows sampled to keep a histogram.
    space.release(rootHistogram);
    for (const id of rootPlanned.taken) space.release(id);
    rootB = sumRows(index, rootSegments, values, channels, outputs, rootA);
  } else if ((count[0] as number) >= SMALL_NODE_ROWS) {
    histogramOf[0] = space.take();
    await buildHistograms([0, histogramOf[0] as number], []);
    rootB = histogramTotals(memory.histograms[histogramOf[0] as number] as Float64Array, channels, rootA);
  } else rootB = sumRows(index, rootSegments, values, channels, outputs, rootA);
  setSums(0, rootA, rootB);
  const rootGrows = mayGrow(0);
  if (!rootGrows) {
    if (feature[0] !== NO_FEATURE) clearFound(0);
    space.release(histogramOf[0] as number);
    histogramOf[0] = -1;
  }
  const gathered = new Uint32Array(SMALL_NODE_ROWS);
  const keys = new Uint32Array(SMALL_NODE_ROWS);
  const missingA = new Float64Array(outputs);
  const nodeRows: NodeRows = {
    bins,
    features: binned.features,
    index: gathered,
    count: 0,
    values,
    keys,
    missingA,
  };

  const totalA = new Float64Array(outputs);
  const running = new Float64Array(outputs);
  const candidate: SplitCandidate = emptyCandidate(outputs);
  const best: SplitCandidate & { slot: number } = { ...emptyCandidate(outputs), slot: -1 };
  const slotOrder = new Int32Array(slots);
  const leftA = new Float64Array(outputs);
  const rightA = new Float64Array(outputs);

  const findBestSplit = (node: number, histogramId: number): boolean => {
    for (let d = 0; d < outputs; d++) totalA[d] = sumA[(node - base) * outputs + d] as number;
    const totalB = sumB[node - base] as number;
    nodeRows.count = count[node - base] as number;
    const histogram = histogramId >= 0 ? (memory.histograms[histogramId] as Float64Array) : undefined;
    if (histogram === undefined) {
      // A small node: its rows, ascending, for scanRows.
      let n = 0;
      for (let t = 0; t < threads; t++)
        for (
          let p = segments[(node - base) * width + 2 * t] as number,
            end = segments[(node - base) * width + 2 * t + 1] as number;
          p < end;
          p++
        )
          gathered[n++] = index[p] as number;
    }
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
      if (
        scanNodeFeature(histogram, offset, valueBins, f, nodeRows, totalA, totalB, limits, running, candidate)
      ) {
        copyCandidate(candidate, best);
        best.slot = slot;
      }
      if (candidate.proxy > Number.NEGATIVE_INFINITY) informative++;
    }
    return best.slot >= 0;
  };

  if (params.leafWise) await growLeafWise(rootGrows ? [0] : []);
  let { level, next } = space.nodeLists;
  level.clear();
  if (rootGrows && !params.leafWise) level.push(0);
  let levelChildren = 0;
  while (level.length > 0) {
    next.clear();
    // Every node this level creates, its children, comes after `nodes` now; the nodes before the previous
    // level's children are closed (a partition still pending is of the previous level's splits).
    closeBefore(levelChildren);
    levelChildren = nodes;
    for (let first = 0; first < level.length; ) {
      // As many of the level's nodes as the histogram budget allows; a node that has no histogram (the root, or
      // a node that could not keep one within the budget) gets one from its rows here.
      const chunk = space.nodeLists.chunk;
      chunk.clear();
      const missing: number[] = [];
      for (; first < level.length; first++) {
        const node = level.at(first);
        const needs =
          (histogramOf[node - base] as number) < 0 && (count[node - base] as number) >= SMALL_NODE_ROWS;
        if (needs && chunk.length > 0 && space.live >= space.budget) break;
        if (needs) {
          histogramOf[node - base] = space.take();
          missing.push(node, histogramOf[node - base] as number);
        }
        chunk.push(node);
      }
      const toFind = findable(chunk.view());
      if (missing.length > 0 || toFind.length > 0) await buildHistograms(missing, [], toFind);
      await splitChunk(chunk.view(), next);
    }
    [level, next] = [next, level];
  }

  /**
   * Leaf-wise growth (LightGBM's, XGBoost's lossguide): always split the leaf whose chosen split gains most,
   * until the tree has maxLeaves leaves or no leaf can split. A node's histogram is kept until its split is
   * applied (for the sibling subtraction) while within the budget.
   */
  async function growLeafWise(roots: number[]): Promise<void> {
    const frontier: number[] = [];
    const children = new IntList(2);
    const enter = async (nodes: ArrayLike<number>) => {
      const missing: number[] = [];
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as number;
        if ((histogramOf[node - base] as number) < 0 && (count[node - base] as number) >= SMALL_NODE_ROWS) {
          histogramOf[node - base] = space.take();
          missing.push(node, histogramOf[node - base] as number);
        }
      }
      const toFind = findable(nodes);
      if (missing.length > 0 || toFind.length > 0) await buildHistograms(missing, [], toFind);
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as number;
        if (!chooseSplit(node)) continue;
        frontier.push(node);
        if (space.live > space.budget) {
          space.release(histogramOf[node - base] as number);
          histogramOf[node - base] = -1;
        }
      }
    };
    await enter(roots);
    const maxLeaves = params.maxLeaves ?? Number.POSITIVE_INFINITY;
    for (let leaves = roots.length; frontier.length > 0 && leaves < maxLeaves; leaves++) {
      let pick = 0;
      for (let i = 1; i < frontier.length; i++)
        if ((gain[frontier[i] as number] as number) > (gain[frontier[pick] as number] as number)) pick = i;
      const node = frontier.splice(pick, 1)[0] as number;
      children.clear();
      await applySplits([node], children);
      await enter(children.view());
    }
    // Leaves that keep a chosen split they never got.
    for (const node of frontier) {
      space.release(histogramOf[node - base] as number);
      histogramOf[node - base] = -1;
      feature[node] = -1;
      gain[node] = 0;
    }
  }

  /** Splits the nodes of `chunk` and appends the children that may grow to `next`. */
  async function splitChunk(chunk: Int32Array, next: IntList): Promise<void> {
    // Splits, in level order (the features drawn at each split come from `random`).
    const splitting = space.nodeLists.splitting;
    splitting.clear();
    for (const node of chunk) if (chooseSplit(node)) splitting.push(node);
    await applySplits(splitting.view(), next);
  }

  /** Finds the node's best split and records it (not yet applied); false when it has none worth making. */
  function chooseSplit(node: number): boolean {
    const histogram = histogramOf[node - base] as number;
    const wasFound = feature[node] !== NO_FEATURE;
    const splits = wasFound ? feature[node] !== FOUND_NO_SPLIT : findBestSplit(node, histogram);
    const gainHere = splits
      ? splitGain(
          wasFound ? (gain[node] as number) : best.proxy,
          nodeSquares(sumA, node - base, outputs),
          sumB[node - base] as number,
          params.lambda,
        )
      : Number.NaN;
    if (!(gainHere > params.minGain)) {
      if (wasFound) clearFound(node);
      space.release(histogram);
      histogramOf[node - base] = -1;
      return false;
    }
    if (wasFound) {
      // The rest of the split is in place (takeSplits).
      bin[node] = splitBin[node - base] as number;
      gain[node] = gainHere;
      return true;
    }
    feature[node] = activeFeatures[best.slot] as number;
    splitBin[node - base] = best.bin;
    bin[node] = best.bin;
    missingLeft[node] = best.missingLeft ? 1 : 0;
    gain[node] = gainHere;
    for (let d = 0; d < outputs; d++) chosenLeftA[(node - base) * outputs + d] = best.leftA[d] as number;
    chosenLeftB[node - base] = best.leftB;
    return true;
  }

  /** Clears a split takeSplits found for `node`: its columns as addNode left them. */
  function clearFound(node: number): void {
    const o = node - base;
    feature[node] = NO_FEATURE;
    gain[node] = 0;
    splitBin[o] = 0;
    missingLeft[node] = 0;
    chosenLeftA.fill(0, o * outputs, (o + 1) * outputs);
    chosenLeftB[o] = 0;
  }

  /**
   * The children's segments from the last partition of `splitting` (and their row counts, when `counting`; else
   * the counts known before the partition are checked).
   */
  function placeChildren(splitting: ArrayLike<number>, counting: boolean): void {
    const plan = memory.partitions;
    const entry = partitionEntry(threads);
    for (let s = 0; s < splitting.length; s++) {
      const node = splitting[s] as number;
      const at = 1 + s * entry;
      const l = child[node] as number;
      const r = l + 1;
      const expected = [count[l - base] as number, count[r - base] as number];
      if (!counting) {
        count[l - base] = 0;
        count[r - base] = 0;
      }
      for (let t = 0; t < threads; t++) {
        const from = plan[at + 3 + 2 * t] as number;
        const to = plan[at + 4 + 2 * t] as number;
        const middle = plan[at + 3 + width + t] as number;
        setRows(l, t, from, middle);
        setRows(r, t, middle, to);
      }
      if (!counting && (count[l - base] !== expected[0] || count[r - base] !== expected[1]))
        throw new Error(
          `hist grower: node ${node}'s children hold ${count[l - base]} and ${count[r - base]} rows, their split said ${expected[0]} and ${expected[1]}`,
        );
    }
  }

  async function applySplits(splitting: ArrayLike<number>, next: IntList): Promise<void> {
    if (splitting.length === 0) return;
    if (pendingPartition !== undefined) {
      await executor.run(memory, OP_PARTITION);
      placeChildren(pendingPartition, false);
      pendingPartition = undefined;
    }
    for (let s = 0; s < splitting.length; s++) {
      const node = splitting[s] as number;
      // A copy: addNode may replace chosenLeftA.
      for (let d = 0; d < outputs; d++) leftA[d] = chosenLeftA[(node - base) * outputs + d] as number;
      for (let d = 0; d < outputs; d++)
        rightA[d] = (sumA[(node - base) * outputs + d] as number) - (leftA[d] as number);
      const childDepth = (depth[node - base] as number) + 1;
      const leftB = chosenLeftB[node - base] as number;
      const rightB = (sumB[node - base] as number) - leftB;
      // Not `child[node] = addNode(…)`: addNode may replace `child` after the target was read.
      const l = addNode(childDepth, leftA, leftB);
      addNode(childDepth, rightA, rightB);
      child[node] = l;
    }

    // Every thread partitions its rows of the split nodes: here, or (counts known before) in the command that
    // builds the children's histograms.
    const entry = partitionEntry(threads);
    // Room for the requests of OP_PARTITION_SPLITS: at most one per split.
    // Room for the children of OP_PARTITION_SPLITS or OP_SCORES: at most two per split.
    const plan = space.partitionPlan(1 + (entry + 6) * splitting.length + 1);
    plan[0] = splitting.length;
    for (let s = 0; s < splitting.length; s++) {
      const node = splitting[s] as number;
      const at = 1 + s * entry;
      plan[at] = feature[node] as number;
      plan[at + 1] = splitBin[node - base] as number;
      plan[at + 2] = missingLeft[node] as number;
      for (let i = 0; i < width; i++) plan[at + 3 + i] = segments[(node - base) * width + i] as number;
    }
    plan[1 + entry * splitting.length] = 0;
    if (countsBeforePartition)
      for (let s = 0; s < splitting.length; s++) {
        const node = splitting[s] as number;
        const l = child[node] as number;
        count[l - base] = chosenLeftB[node - base] as number;
        count[l + 1 - base] = (count[node - base] as number) - (count[l - base] as number);
      }
    else {
      await executor.run(memory, OP_PARTITION);
      placeChildren(splitting, true);
    }

    // Of two children, only the smaller one's histogram comes from rows; the larger one's is parent − smaller.
    const requests: number[] = [];
    /** Per request: the index in `splitting` of the child's parent, and 0 for a left child, 1 for a right. */
    const sources: number[] = [];
    const pairs: number[] = [];
    const kept: number[] = [];
    // The children that may grow, appended to `next`.
    const firstGrowing = next.length;
    for (let s = 0; s < splitting.length; s++) {
      const node = splitting[s] as number;
      const l = child[node] as number;
      const r = l + 1;
      const growLeft = mayGrow(l);
      const growRight = mayGrow(r);
      if (growLeft) next.push(l);
      if (growRight) next.push(r);
      const histogram = histogramOf[node - base] as number;
      histogramOf[node - base] = -1;
      if (histogram < 0) continue;
      const leftSmaller = (count[l - base] as number) <= (count[r - base] as number);
      const small = leftSmaller ? l : r;
      const large = leftSmaller ? r : l;
      // Within the budget only; a child left without a histogram gets one from its rows at its level.
      const room = space.live < space.budget;
      const keeps = (child: number, grows: boolean) =>
        room && grows && (count[child - base] as number) >= SMALL_NODE_ROWS;
      const keepSmall = keeps(small, leftSmaller ? growLeft : growRight);
      const keepLarge = keeps(large, leftSmaller ? growRight : growLeft);
      if (!keepSmall && !keepLarge) {
        space.release(histogram);
        continue;
      }
      const smaller = space.take();
      requests.push(small, smaller);
      sources.push(s, leftSmaller ? 0 : 1, requests.length / 2 - 1);
      histogramOf[small - base] = smaller;
      if (keepLarge) {
        pairs.push(histogram, smaller);
        histogramOf[large - base] = histogram;
      } else space.release(histogram);
      if (!keepSmall) kept.push(small);
    }
    const growing = next.view().subarray(firstGrowing);
    // A small child's histogram serves only the subtraction: its split comes from its rows.
    const histogramAt = (node: number) => (kept.includes(node) ? -1 : (histogramOf[node - base] as number));
    const toFind = findable(growing, histogramAt);
    if (countsBeforePartition && (requests.length > 0 || toFind.length > 0))
      await buildHistograms(requests, pairs, toFind, histogramAt, { splitting, sources });
    else if (countsBeforePartition && growing.length === 0 && !params.leafWise) {
      // Leaves only (a depth-wise level's last, unless another chunk follows): the partition can wait for the
      // command that adds the leaves' values to the scores (addHistTreeScores).
      // A copy: `splitting` may be a reused list's view.
      pendingPartition = Int32Array.from(splitting);
      pendingChildren = [];
      for (const node of pendingPartition)
        pendingChildren.push(child[node] as number, (child[node] as number) + 1);
    } else if (countsBeforePartition) {
      await executor.run(memory, OP_PARTITION);
      placeChildren(splitting, false);
    } else if (requests.length > 0 || toFind.length > 0)
      await buildHistograms(requests, pairs, toFind, histogramAt);
    for (const small of kept) {
      space.release(histogramOf[small - base] as number);
      histogramOf[small - base] = -1;
    }
  }

  // Undo weak splits bottom-up (children always have larger ids than their parent).
  if (params.gamma > 0) {
    for (let node = nodes - 1; node >= 0; node--) {
      const l = child[node] as number;
      if (l >= 0 && child[l] === -1 && child[l + 1] === -1 && (gain[node] as number) < params.gamma) {
        child[node] = -1;
        feature[node] = -1;
      }
    }
  }

  return {
    nodes,
    columns: kept,
    open,
    width,
    outputs,
    allRows: sampled === rows,
    ...(pendingPartition === undefined ? {} : { pendingChildren }),
  };
}

/** A grown tree's nodes in creation order, and its open-node columns (all of them unless exported). */
interface GrownNodes {
  nodes: number;
  columns: NodeColumns;
  open: OpenColumns & { treeSegments?: Int32Array };
  width: number;
  outputs: number;
  allRows: boolean;
  /** Children of the splits whose partition is pending (see HistTree.pendingChildren), by node id. */
  pendingChildren?: number[];
}

/**
 * Grows one tree on the binned rows with positive weight, splitting only on `activeFeatures`; see GrowthTargets
 * and GrowthParams (../grow-tree.ts) for the criterion.
 */
export async function growHistTree(
  space: HistWorkspace,
  activeFeatures: Int32Array,
  targets: GrowthTargets,
  params: GrowthParams,
  random: Random,
  allowMissingLeft: boolean,
): Promise<HistTree> {
  const grown = await growNodes(space, activeFeatures, targets, params, random, allowMissingLeft);
  return histTree(grown, space.binned);
}

/** BootstrapTargets (level-work.ts), with GrowthTargets' pureKey. */
export type ForestTargets = BootstrapTargets & { pureKey?: Float64Array };

/** The exported columns of a tree (tree-ensemble.ts, left children implied by pre-order) and its gain per feature. */
export interface ExportedHistTree {
  /** Thresholds as splitBins, without the cuts: the caller adds the BinnedMatrix's thresholds. */
  columns: TreeColumns;
  /** Per feature: the summed gain of the tree's splits on it. */
  gain: Float64Array;
}

/**
 * growHistTree for trees kept as exported (a forest's): the nodes' rows and histograms are dropped level by level
 * and the tree is grown in its exported columns, then put in pre-order in place. Node B sums whole row counts
 * (bootstrap counts): samples are float32 while the root's stays within 2^24 (then exact).
 */
export async function growExportedHistTree(
  space: HistWorkspace,
  activeFeatures: Int32Array,
  targets: GrowthTargets | ForestTargets,
  params: GrowthParams,
  random: Random,
  allowMissingLeft: boolean,
): Promise<ExportedHistTree> {
  const weights = "counts" in targets ? targets.counts : targets.weight;
  let rootB = 0;
  for (let i = 0; i < weights.length; i++) rootB += weights[i] as number;
  const { features } = space.binned;
  const types = { features, float32Samples: rootB <= 2 ** 24 };
  const grown = await growNodes(space, activeFeatures, targets, params, random, allowMissingLeft, types);
  return exportedTree(grown, features);
}

function histTree(grown: GrownNodes, binned: BinnedMatrix): HistTree {
  const { nodes, width, outputs } = grown;
  const { feature, child, missingLeft, value, samples, gain } = grown.columns;
  const { segments, splitBin } = grown.open;
  const { thresholds } = binned;
  // The pre-order (the order of the nodes, each node's place in it) and HistTree's split bins and thresholds
  // (theirs until the next tree) in columns that growth no longer reads.
  const preorder = grown.open.depth;
  const newId = grown.open.histogramOf;
  let size = 0;
  const pending = [0];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    preorder[size++] = node;
    if ((child[node] as number) >= 0) pending.push((child[node] as number) + 1, child[node] as number);
  }
  newId.fill(-1, 0, nodes);
  for (let i = 0; i < size; i++) newId[preorder[i] as number] = i;
  const tree: HistTree = {
    feature: new Int32Array(size),
    threshold: grown.open.chosenLeftA.subarray(0, size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    value: new Float64Array(size * outputs),
    samples: new Float64Array(size),
    gain: new Float64Array(binned.features),
    splitBin: grown.open.count.subarray(0, size),
    missingLeft: new Uint8Array(size),
    segments: (grown.open.treeSegments as Int32Array).subarray(0, size * width),
    allRows: grown.allRows,
  };
  if (grown.pendingChildren !== undefined) {
    // −1: a child undone by gamma (its parent's rows, unpartitioned, are the leaf's).
    tree.pendingChildren = Int32Array.from(grown.pendingChildren, (child) => newId[child] as number);
  }
  for (let i = 0; i < size; i++) {
    const node = preorder[i] as number;
    const isLeaf = (child[node] as number) < 0;
    const f = isLeaf ? -1 : (feature[node] as number);
    tree.feature[i] = f;
    tree.threshold[i] = isLeaf ? 0 : ((thresholds[f] as Float32Array)[splitBin[node] as number] as number);
    tree.left[i] = isLeaf ? -1 : (newId[child[node] as number] as number);
    tree.right[i] = isLeaf ? -1 : (newId[(child[node] as number) + 1] as number);
    tree.splitBin[i] = isLeaf ? 0 : (splitBin[node] as number);
    tree.missingLeft[i] = isLeaf ? 0 : (missingLeft[node] as number);
    for (let k = 0; k < width; k++) tree.segments[i * width + k] = segments[node * width + k] as number;
    tree.samples[i] = samples[node] as number;
    for (let d = 0; d < outputs; d++) tree.value[i * outputs + d] = value[node * outputs + d] as number;
    if (!isLeaf) tree.gain[f] = (tree.gain[f] as number) + (gain[node] as number);
  }
  return tree;
}

/**
 * The grown columns themselves, in pre-order: each node's place in it is written over the node gains, once summed
 * per feature, then every column is permuted in place along the permutation's cycles, and the children become
 * right children.
 */
function exportedTree(grown: GrownNodes, features: number): ExportedHistTree {
  const { nodes, outputs } = grown;
  const { feature, bin, child, missingLeft, value, samples, gain } = grown.columns;
  const treeGain = new Float64Array(features);
  let someMissingLeft = false;
  const pending = [0];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const first = child[node] as number;
    if (first < 0) continue;
    if (missingLeft[node] === 1) someMissingLeft = true;
    const f = feature[node] as number;
    treeGain[f] = (treeGain[f] as number) + (gain[node] as number);
    pending.push(first + 1, first);
  }
  const place = new Int32Array(gain.buffer, gain.byteOffset, nodes);
  place.fill(-1);
  let size = 0;
  pending.push(0);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    place[node] = size++;
    const first = child[node] as number;
    if (first >= 0) pending.push(first + 1, first);
  }
  // Nodes under splits that gamma undid go after the tree, and are cut off.
  for (let node = 0, after = size; node < nodes; node++)
    if ((place[node] as number) < 0) place[node] = after++;
  for (let node = 0; node < nodes; node++) {
    const first = child[node] as number;
    if (first >= 0) child[node] = place[first + 1] as number;
    else {
      // A leaf (one that chose a split it never got too): no split.
      feature[node] = -1;
      bin[node] = 0;
      missingLeft[node] = 0;
    }
  }
  // Along each cycle, the node carried moves to its place, and the one there is carried on; a done node's place
  // is marked by its complement.
  const carried = new Float64Array(outputs);
  for (let start = 0; start < nodes; start++) {
    let to = place[start] as number;
    if (to < 0 || to === start) {
      if (to === start) place[start] = ~to;
      continue;
    }
    let f = feature[start] as number;
    let t = bin[start] as number;
    let m = missingLeft[start] as number;
    let c = child[start] as number;
    let b = samples[start] as number;
    for (let d = 0; d < outputs; d++) carried[d] = value[start * outputs + d] as number;
    place[start] = ~to;
    for (;;) {
      const nextF = feature[to] as number;
      const nextT = bin[to] as number;
      const nextM = missingLeft[to] as number;
      const nextC = child[to] as number;
      const nextB = samples[to] as number;
      feature[to] = f;
      bin[to] = t;
      missingLeft[to] = m;
      child[to] = c;
      samples[to] = b;
      for (let d = 0; d < outputs; d++) {
        const v = value[to * outputs + d] as number;
        value[to * outputs + d] = carried[d] as number;
        carried[d] = v;
      }
      if (to === start) break;
      f = nextF;
      t = nextT;
      m = nextM;
      c = nextC;
      b = nextB;
      const next = place[to] as number;
      place[to] = ~next;
      to = next;
    }
  }
  const columns: TreeColumns = {
    feature: feature.subarray(0, size),
    splitBins: bin.subarray(0, size),
    value: value.subarray(0, size * outputs),
  };
  // Right children, samples and missing directions are the workspace's (HistWorkspace.nodeSamples): the tree
  // gets copies, compact ones where they say the same.
  const right = child.subarray(0, size);
  const treeSamples = samples.subarray(0, size);
  const leafSamples = compactLeafSamples(columns.feature, right, treeSamples);
  if (leafSamples !== undefined) columns.leafSamples = leafSamples;
  else columns.samples = treeSamples.slice();
  const offsets = compactRight(columns.feature, right);
  if (offsets !== undefined) Object.assign(columns, offsets);
  else columns.right = right.slice();
  // Kept only when some missing values go left (as treeColumns, tree-json.ts).
  if (someMissingLeft) columns.missingLeft = missingLeft.slice(0, size);
  return { columns, gain: treeGain };
}

/**
 * Adds the tree's leaf value to column k of every row's scores: by the leaves' rows in the index when the tree
 * holds every row (the leaves of a pending partition by the side of their split each row goes to, unpartitioned),
 * else walking the bins (same branches as x).
 */
export async function addHistTreeScores(
  tree: HistTree,
  space: HistWorkspace,
  scores: Float64Array,
  outputs: number,
  k: number,
): Promise<void> {
  const { rows, bins, features } = space.binned;
  const { memory } = space;
  const width = 2 * memory.threads;
  const pending = tree.pendingChildren;
  // Nothing reads the pending leaves' rows: their partition is never run.
  tree.pendingChildren = undefined;
  if (tree.allRows) {
    // Every row sits in exactly one leaf's segments of the index, or (a pending leaf) in its split's.
    let leaves = 0;
    for (let node = 0; node < tree.feature.length; node++) if ((tree.feature[node] as number) < 0) leaves++;
    const plan = space.plan(scoresSegments(leaves) + leaves * width);
    plan[0] = leaves;
    plan[1] = outputs;
    plan[2] = k;
    const leafValues = new Float64Array(plan.buffer, plan.byteOffset + 16, leaves);
    const leafOf = new Int32Array(tree.feature.length);
    const isPending = new Uint8Array(tree.feature.length);
    // Indexed loops and no per-leaf views: this runs once per tree, mostly before V8 optimises it.
    if (pending !== undefined)
      for (let i = 0; i < pending.length; i++) {
        const node = pending[i] as number;
        if (node >= 0) isPending[node] = 1;
      }
    const { segments } = tree;
    for (let node = 0, leaf = 0, at = scoresSegments(leaves); node < tree.feature.length; node++) {
      if ((tree.feature[node] as number) >= 0) continue;
      leafOf[node] = leaf;
      leafValues[leaf++] = tree.value[node] as number;
      const own = isPending[node] !== 1;
      for (let i = 0; i < width; i++) plan[at + i] = own ? (segments[node * width + i] as number) : 0;
      at += width;
    }
    space.useScores(scores);
    let flags = 0;
    if (pending !== undefined) {
      // The partition plan's children (left then right of each split; both or neither undone by gamma), by leaf.
      flags |= SCORES_AFTER_PARTITION;
      const partitions = memory.partitions;
      let at = 1 + partitionEntry(memory.threads) * (partitions[0] as number);
      const countAt = at++;
      for (let i = 0; i < pending.length; i++) {
        if ((pending[i] as number) < 0) continue;
        partitions[at++] = i >> 1;
        partitions[at++] = i & 1;
        partitions[at++] = leafOf[pending[i] as number] as number;
      }
      partitions[countAt] = (at - countAt - 1) / 3;
    }
    // Boosting with one output: the next round's derivatives at the scores this command leaves, in it (the
    // round asks for them next, roundDerivatives).
    const round = (memory as RoundMemory).round;
    const derive = outputs === 1 && round !== undefined && round.scores === scores;
    if (derive) flags |= SCORES_THEN_DERIVATIVES;
    plan[3] = flags;
    await space.runOnRows(OP_SCORES, derive ? [scores, round.y, round.gradient, round.hessian] : [scores]);
    if (derive) (memory as RoundMemory).derived = round;
    return;
  }
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
      const b = bins[i * features + f] as number;
      const goesLeft =
        b === MISSING_BIN ? tree.missingLeft[node] === 1 : b <= (tree.splitBin[node] as number);
      node = goesLeft ? (tree.left[node] as number) : (tree.right[node] as number);
    }
    scores[i * outputs + k] = (scores[i * outputs + k] as number) + (tree.value[node] as number);
  }
}
