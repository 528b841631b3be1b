// Growing the trees of a random forest: the part that runs on worker threads. Tree t draws its bootstrap
// sample and its per-split features from its own generator, seeded by (fit seed, t), so the forest does not
// depend on how trees are spread over threads.

import { createRandom, type Random } from "../random.js";
import { type GrownTree, type GrowthParams, GrowthWorkspace, growTree } from "./grow-tree.js";
import type { BinnedMatrix } from "./hist/bin-mapper.js";
import { channelsFor, growExportedHistTree, HistWorkspace } from "./hist/grow-tree.js";
import { serialExecutor } from "./hist/level-executor.js";
import type { SortedColumns } from "./sorted-columns.js";
import {
  compactFeatures,
  compactLeafSamples,
  compactRight,
  explicitLeft,
  type TreeColumns,
} from "./tree-ensemble.js";
import { treeColumns } from "./tree-json.js";

/** A grown tree as the forest keeps it (structured-cloneable: the Tree is made on the calling thread). */
export interface ForestTree {
  columns: TreeColumns;
  /** Per feature: the summed gain of the tree's splits on it. */
  gain: Float64Array;
}

/** Everything a thread needs to grow any tree of the forest (structured-cloneable). */
export interface ForestJob {
  /** The exact grower's input, or the histogram grower's. */
  columns: SortedColumns | BinnedMatrix;
  /** Regression: the target. Classification: the class index. */
  y: Float64Array;
  /** 1 for regression, else the number of classes. */
  outputs: number;
  classification: boolean;
  growth: GrowthParams;
  /** Rows drawn with replacement per tree; 0: no bootstrap, every row once. */
  bootstrapDraws: number;
  seed: number;
}

export async function growForestTrees(job: ForestJob, treeIndices: readonly number[]): Promise<ForestTree[]> {
  const { columns, y, outputs, classification } = job;
  const rows = columns.rows;
  const allFeatures = Int32Array.from({ length: columns.features }, (_, f) => f);
  const trees: ForestTree[] = [];
  if ("bins" in columns) {
    const space = new HistWorkspace(columns, channelsFor(outputs, job.growth), serialExecutor);
    // One byte a row while no row is drawn 256 times (weights and weighted targets are made per sampled row).
    let counts: Uint8Array | Uint32Array = new Uint8Array(rows);
    for (const treeIndex of treeIndices) {
      const random = createRandom(job.seed, treeIndex);
      counts = bootstrapCounts(job, random, counts);
      const targets = { outputs, counts, y, classification, pureKey: y };
      trees.push(await growExportedHistTree(space, allFeatures, targets, job.growth, random, true));
    }
    return trees;
  }
  const workspace = new GrowthWorkspace(rows, columns.features);
  const weight = new Float64Array(rows);
  const weightedA = new Float64Array(rows * outputs);
  let counts: Uint8Array | Uint32Array = new Uint8Array(rows);
  for (const treeIndex of treeIndices) {
    const random = createRandom(job.seed, treeIndex);
    counts = bootstrapCounts(job, random, counts);
    for (let i = 0; i < rows; i++) weight[i] = counts[i] as number;
    if (classification) {
      weightedA.fill(0);
      for (let i = 0; i < rows; i++) weightedA[i * outputs + (y[i] as number)] = weight[i] as number;
    } else {
      for (let i = 0; i < rows; i++) weightedA[i] = (weight[i] as number) * (y[i] as number);
    }
    const targets = { outputs, weight, weightedA, weightedB: weight, pureKey: y };
    trees.push(
      exportedColumns(growTree(columns, allFeatures, targets, job.growth, random, workspace), outputs),
    );
  }
  return trees;
}

/**
 * Tree `random`'s bootstrap: how often each row is drawn (every row once without bootstrap), in `counts`, or in
 * 32-bit counts should a row be drawn more than 255 times.
 */
function bootstrapCounts(
  job: ForestJob,
  random: Random,
  counts: Uint8Array | Uint32Array,
): Uint8Array | Uint32Array {
  if (job.bootstrapDraws === 0) return counts.fill(1);
  let into = counts.fill(0);
  const rows = into.length;
  for (let draw = 0; draw < job.bootstrapDraws; draw++) {
    const row = random.int(rows);
    const count = (into[row] as number) + 1;
    if (count === 256 && into instanceof Uint8Array) into = Uint32Array.from(into);
    into[row] = count;
  }
  return into;
}

/** The Tree's compact columns of an exact tree, made here rather than on the calling thread, which receives every tree at once. */
function exportedColumns(grown: GrownTree, outputs: number): ForestTree {
  const { left, samples, right, ...columns } = treeColumns(grown, outputs);
  const implicitLeft = explicitLeft(grown.feature, grown.left) === undefined;
  const feature = compactFeatures(grown.feature);
  // Row counts: whole numbers, exact in float32 while the root's stays within 2^24; in pre-order, mostly
  // as the leaves' counts alone.
  const float32Samples =
    (grown.samples[0] ?? 0) <= 2 ** 24 ? Float32Array.from(grown.samples) : grown.samples;
  const leafSamples = implicitLeft ? compactLeafSamples(feature, grown.right, float32Samples) : undefined;
  const offsets = implicitLeft ? compactRight(feature, grown.right) : undefined;
  return {
    columns: {
      ...columns,
      ...(implicitLeft ? {} : { left }),
      ...(offsets ?? { right }),
      feature,
      threshold: Float32Array.from(grown.threshold),
      ...(leafSamples === undefined ? { samples: float32Samples } : { leafSamples }),
    },
    gain: grown.gain,
  };
}
