// Growing the trees of a random forest: the part that runs on worker threads. Tree t draws its bootstrap
// sample and its per-split features from its own generator, seeded by (fit seed, t), so the forest does not
// depend on how trees are spread over threads.

import { createRandom, type Random } from "../random.js";
import {
  type GrownTree,
  type GrowthParams,
  type GrowthTargets,
  GrowthWorkspace,
  growTree,
} from "./grow-tree.js";
import type { BinnedMatrix } from "./hist/bin-mapper.js";
import { channelsFor, growHistTree, HistWorkspace } from "./hist/grow-tree.js";
import { serialExecutor } from "./hist/level-executor.js";
import type { SortedColumns } from "./sorted-columns.js";
import { compactFeatures, explicitLeft, type TreeColumns } from "./tree-ensemble.js";
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
  const grow =
    "bins" in columns
      ? (() => {
          const space = new HistWorkspace(columns, channelsFor(outputs, job.growth), serialExecutor);
          return async (active: Int32Array, targets: GrowthTargets, random: Random): Promise<GrownTree> => {
            // Only what the forest exports: the bins and row segments would be copied back from worker threads.
            const { feature, threshold, left, right, value, samples, gain, missingLeft } = await growHistTree(
              space,
              active,
              targets,
              job.growth,
              random,
              true,
            );
            return { feature, threshold, left, right, value, samples, gain, missingLeft };
          };
        })()
      : (() => {
          const workspace = new GrowthWorkspace(rows, columns.features);
          return (active: Int32Array, targets: GrowthTargets, random: Random) =>
            growTree(columns, active, targets, job.growth, random, workspace);
        })();
  const allFeatures = Int32Array.from({ length: columns.features }, (_, f) => f);
  const weight = new Float64Array(rows);
  const weightedA = new Float64Array(rows * outputs);
  const trees: ForestTree[] = [];
  for (const treeIndex of treeIndices) {
    const random = createRandom(job.seed, treeIndex);
    if (job.bootstrapDraws > 0) {
      weight.fill(0);
      for (let draw = 0; draw < job.bootstrapDraws; draw++) {
        const row = random.int(rows);
        weight[row] = (weight[row] as number) + 1;
      }
    } else {
      weight.fill(1);
    }
    if (classification) {
      weightedA.fill(0);
      for (let i = 0; i < rows; i++) weightedA[i * outputs + (y[i] as number)] = weight[i] as number;
    } else {
      for (let i = 0; i < rows; i++) weightedA[i] = (weight[i] as number) * (y[i] as number);
    }
    const targets = { outputs, weight, weightedA, weightedB: weight, pureKey: y };
    const grown = await grow(allFeatures, targets, random);
    // The Tree's compact columns, made here rather than on the calling thread, which receives every tree at once.
    const { left, ...columns } = treeColumns(grown, outputs);
    const implicitLeft = explicitLeft(grown.feature, grown.left) === undefined;
    trees.push({
      columns: {
        ...columns,
        ...(implicitLeft ? {} : { left }),
        feature: compactFeatures(grown.feature),
        threshold: Float32Array.from(grown.threshold),
        // Row counts: whole numbers, exact in float32 while the root's stays within 2^24.
        samples: (grown.samples[0] ?? 0) <= 2 ** 24 ? Float32Array.from(grown.samples) : grown.samples,
      },
      gain: grown.gain,
    });
  }
  return trees;
}
