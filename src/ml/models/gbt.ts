// Gradient-boosted trees in XGBoost's style (exact greedy): second-order split gain with L2 regularisation
// `lambda`, `min_child_weight` on each child's hessian sum, post-pruning below `gamma`, the learning rate
// folded into leaf values, row subsampling and column sampling per tree and per split.
import { z } from "zod";
import { createRandom, type Random } from "../random.js";
import { normalise } from "./feature-importance.js";
import { objectiveFor } from "./gbt-objective.js";
import {
  type GrownTree,
  type GrowthParams,
  type GrowthTargets,
  GrowthWorkspace,
  growTree,
} from "./grow-tree.js";
import { MAX_BINS } from "./hist/bin-mapper.js";
import { addHistTreeScores, growHistTree, type HistTree, HistWorkspace } from "./hist/grow-tree.js";
import { serialExecutor } from "./hist/level-executor.js";
import { type RoundRows, roundDerivatives } from "./hist/round-rows.js";
import { copyElements } from "./hist/shared-copy.js";
import { MaxBinsSchema, resolveTreeMethod, TreeMethodSchema } from "./hist/tree-method.js";
import type { FitOptions, ModelType, TrainingSet } from "./model-type.js";
import { sortColumns } from "./sorted-columns.js";
import { checkTrainingSet } from "./training-set.js";
import type { TreeEnsemble } from "./tree-ensemble.js";
import { ensembleFor, toTree } from "./tree-json.js";

const fraction = z.number().gt(0).max(1);

export const GbtParamsSchema = z.strictObject({
  /** Boosting rounds (one tree per round, per class for multiclass). */
  n_estimators: z.number().int().min(1).default(100),
  learning_rate: fraction.default(0.3),
  max_depth: z.number().int().min(1).default(6),
  min_child_weight: z.number().min(0).default(1),
  lambda: z.number().min(0).default(1),
  gamma: z.number().min(0).default(0),
  subsample: fraction.default(1),
  colsample_bytree: fraction.default(1),
  colsample_bynode: fraction.default(1),
  /** Starting prediction (a probability for binary classification); null: the mean target / class priors. */
  base_score: z.number().nullable().default(null),
  /** exact: every distinct value a candidate threshold; hist: ≤ max_bins quantile bins; auto: by row count. */
  tree_method: TreeMethodSchema.default("auto"),
  max_bins: MaxBinsSchema.default(MAX_BINS),
  /** depthwise: level by level; lossguide: the leaf that gains most first (histogram trees: implies hist). */
  grow_policy: z.enum(["depthwise", "lossguide"]).default("depthwise"),
  /** lossguide's limit on leaves per tree; 0: none (max_depth still applies). */
  max_leaves: z.number().int().min(0).default(0),
});
export type GbtParams = z.infer<typeof GbtParamsSchema>;

export const gbt: ModelType<GbtParams> = {
  name: "gbt",
  tasks: ["regression", "classification"],
  params: GbtParamsSchema,
  fit: fitGbt,
};

/** A split must gain more than this (XGBoost's kRtEps). */
const MIN_SPLIT_GAIN = 1e-6;

async function fitGbt(data: TrainingSet, params: GbtParams, options: FitOptions): Promise<TreeEnsemble> {
  const shape = checkTrainingSet(data);
  const { rows } = data;
  const features = shape.features;
  const objective = objectiveFor(data.task, shape.classCount);
  const outputs = objective.outputs;
  const random = createRandom(options.seed);
  const learner =
    resolveTreeMethod(params.tree_method, rows) === "hist" || params.grow_policy === "lossguide"
      ? await histLearner(data, features, params.max_bins, options)
      : exactLearner(data, features);
  // Closed whatever happens: a histogram learner with threads holds the process's worker pool until then.
  try {
    const base = objective.base(data.y, params.base_score);
    const perRow = (length: number) => learner.float64?.(length) ?? new Float64Array(length);
    const scores = perRow(rows * outputs);
    fillRows(scores, base);
    const gradient = perRow(rows * outputs);
    const hessian = perRow(rows * outputs);
    const derivativeRows: RoundRows = {
      task: data.task,
      classCount: shape.classCount,
      y: learner.float64 === undefined ? data.y : perRow(rows),
      scores,
      gradient,
      hessian,
    };
    if (derivativeRows.y !== data.y) copyElements(derivativeRows.y, 0, data.y, 0, rows);
    const weight = perRow(rows);
    // Every weight 1 and one output: w·g is g and w·h is h, so the trees read the derivatives themselves.
    const unweighted = params.subsample >= 1 && outputs === 1;
    const weightedA = unweighted ? gradient : perRow(rows);
    const weightedB = unweighted ? hessian : perRow(rows);
    // The histogram learner then takes the derivatives as its rows' values, written there and not copied.
    const inValues =
      unweighted && learner.valuesFromDerivatives ? { unitB: objective.unitHessian } : undefined;
    derivativeRows.toChannelValues = inValues !== undefined;
    const treeFeatures = Math.max(1, Math.floor(params.colsample_bytree * features));
    const allFeatures = Int32Array.from({ length: features }, (_, f) => f);

    const targets: GrowthTargets = {
      outputs: 1,
      weight,
      weightedA,
      weightedB,
      ...(inValues === undefined ? {} : { inValues }),
    };
    learner.useRows?.(targets, scores);
    const trees: TreeEnsemble["trees"] = [];
    const gains = new Float64Array(features);
    for (let round = 0; round < params.n_estimators; round++) {
      if (learner.derivatives !== undefined) await learner.derivatives(derivativeRows);
      else objective.derivatives(scores, data.y, gradient, hessian);
      // Without subsampling every weight is 1 every round: set once.
      if (round === 0 || params.subsample < 1) sampleRows(weight, params.subsample, random);
      for (let k = 0; k < outputs; k++) {
        if (!unweighted) weighDerivatives(weight, gradient, hessian, outputs, k, weightedA, weightedB);
        const active =
          treeFeatures < features ? sampleFeatures(allFeatures, treeFeatures, random) : allFeatures;
        const grown = await learner.grow(
          active,
          targets,
          {
            maxDepth: params.max_depth,
            minSamplesSplit: 2,
            minSamplesLeaf: 1,
            minChildWeight: params.min_child_weight,
            lambda: params.lambda,
            minGain: MIN_SPLIT_GAIN,
            gamma: params.gamma,
            maxFeatures: Math.max(1, Math.floor(params.colsample_bynode * active.length)),
            leafScale: -params.learning_rate,
            stopWhenPure: false,
            leafWise: params.grow_policy === "lossguide",
            maxLeaves: params.max_leaves > 0 ? params.max_leaves : Number.POSITIVE_INFINITY,
          },
          random,
        );
        await learner.addScores(grown, scores, outputs, k);
        for (let f = 0; f < features; f++) gains[f] = (gains[f] as number) + (grown.gain[f] as number);
        trees.push(toTree(grown, 1, { width: outputs, index: k }));
      }
      if (options.afterRound?.(trees.slice(-outputs), base) === "stop") break;
    }
    return ensembleFor(data, {
      modelType: "gbt",
      outputs,
      aggregate: "sum",
      base,
      postTransform: objective.postTransform,
      trees,
      featureImportance: normalise(gains),
    });
  } finally {
    learner.close?.();
  }
}

/** One boosting round's tree grower, exact or histogram, and the matching update of the training scores. */
interface TreeLearner<Tree extends GrownTree = GrownTree> {
  grow(
    active: Int32Array,
    targets: GrowthTargets,
    growth: GrowthParams,
    random: Random,
  ): Tree | Promise<Tree>;
  /** The round's gradient and hessian at its scores (else the objective fills them on the calling thread). */
  derivatives?(round: RoundRows): void | Promise<void>;
  /** Adds the tree's leaf value to column k of every training row's raw scores. */
  addScores(tree: Tree, scores: Float64Array, outputs: number, k: number): void | Promise<void>;
  /**
   * Whether `derivatives` can write the gradient and hessian (one output) straight into the rows' values the
   * trees read (GrowthTargets.inValues, RoundRows.toChannelValues).
   */
  valuesFromDerivatives?: boolean;
  /**
   * The trees' inputs and the scores, the same arrays for the whole fit, before the first round: a learner with
   * threads hands them over with the rest of its memory at once.
   */
  useRows?(targets: GrowthTargets, scores: Float64Array): void;
  /** Per-row arrays the learner reads or writes: shared memory when it has worker threads. */
  float64?(length: number): Float64Array;
  /** Releases what the learner holds outside this thread (worker threads' shared memory). */
  close?(): void;
}

function exactLearner(data: TrainingSet, features: number): TreeLearner {
  const columns = sortColumns(data.x, data.rows, features);
  const workspace = new GrowthWorkspace(data.rows, features);
  return {
    grow: (active, targets, growth, random) => growTree(columns, active, targets, growth, random, workspace),
    addScores: (tree, scores, outputs, k) => addTreeScores(tree, data.x, features, scores, outputs, k),
  };
}

/**
 * Row blocks of the histogram learner's index, whatever the thread count: each block's histogram sums are taken
 * apart and added in block order, so 1, 2 or 3 threads grow the same trees. Two: this machine's cores.
 */
const ROW_BLOCKS = 2;

async function histLearner(
  data: TrainingSet,
  features: number,
  maxBins: number,
  options: FitOptions,
): Promise<TreeLearner<HistTree>> {
  const threads = options.threads ?? 1;
  // Loaded only when used: the worker threads need import.meta, which notebook kernels may lack.
  const executor =
    threads > 1
      ? await (await import("./hist/threaded-executor.js")).threadedExecutor(threads)
      : serialExecutor;
  let space: HistWorkspace;
  try {
    space = await HistWorkspace.fromRows(
      data.x,
      data.rows,
      features,
      { maxBins, seed: options.seed },
      2,
      executor,
      ROW_BLOCKS,
    );
  } catch (error) {
    // The fit's try/finally, which closes the learner, starts after this: the threads must not stay taken.
    executor.close();
    throw error;
  }
  return {
    grow: (active, targets, growth, random) => growHistTree(space, active, targets, growth, random, true),
    derivatives: (round) => roundDerivatives(space, round),
    valuesFromDerivatives: true,
    useRows: (targets, scores) => {
      space.useTargets(targets);
      space.useScores(scores);
    },
    addScores: (tree, scores, outputs, k) => addHistTreeScores(tree, space, scores, outputs, k),
    float64: (length) => executor.float64(length),
    close: () => executor.close(),
  };
}

// The fit's per-row loops live in functions of their own: a loop inside fitGbt made V8 compile all of fitGbt
// (on-stack replacement, with the round loop's callees inlined) to run it faster, 33 ms of compiler time for a
// loop of 1 ms, taken from the cores the fit's threads run on.

/** Every row's values (outputs of `values.length / base.length` rows) set to `base`. */
function fillRows(values: Float64Array, base: readonly number[]): void {
  const outputs = base.length;
  for (let i = 0; i < values.length; i += outputs)
    for (let k = 0; k < outputs; k++) values[i + k] = base[k] as number;
}

/** Each row's weight times its gradient and hessian of output k, into weightedA and weightedB. */
function weighDerivatives(
  weight: Float64Array,
  gradient: Float64Array,
  hessian: Float64Array,
  outputs: number,
  k: number,
  weightedA: Float64Array,
  weightedB: Float64Array,
): void {
  for (let i = 0; i < weight.length; i++) {
    weightedA[i] = (weight[i] as number) * (gradient[i * outputs + k] as number);
    weightedB[i] = (weight[i] as number) * (hessian[i * outputs + k] as number);
  }
}

/** XGBoost's subsample: each row kept with probability `rate` (at least one row). */
function sampleRows(weight: Float64Array, rate: number, random: Random): void {
  if (rate >= 1) {
    weight.fill(1);
    return;
  }
  let kept = 0;
  for (let i = 0; i < weight.length; i++) {
    const keep = random.next() < rate;
    weight[i] = keep ? 1 : 0;
    if (keep) kept++;
  }
  if (kept === 0) weight[random.int(weight.length)] = 1;
}

/** `count` of `features` without replacement, in ascending order. */
function sampleFeatures(features: Int32Array, count: number, random: Random): Int32Array {
  const pool = Int32Array.from(features);
  for (let i = 0; i < count; i++) {
    const j = i + random.int(pool.length - i);
    const chosen = pool[j] as number;
    pool[j] = pool[i] as number;
    pool[i] = chosen;
  }
  return pool.subarray(0, count).sort();
}

/** Adds the tree's leaf value to column `k` of every training row's raw scores (same rule as prediction). */
function addTreeScores(
  tree: GrownTree,
  x: Float32Array,
  features: number,
  scores: Float64Array,
  outputs: number,
  k: number,
): void {
  const rows = scores.length / outputs;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number)
      node =
        (x[i * features + f] as number) <= (tree.threshold[node] as number)
          ? (tree.left[node] as number)
          : (tree.right[node] as number);
    scores[i * outputs + k] = (scores[i * outputs + k] as number) + (tree.value[node] as number);
  }
}
