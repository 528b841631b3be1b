// Random forest (Breiman; scikit-learn's RandomForestRegressor / RandomForestClassifier defaults): bootstrap
// samples, features drawn at every split, leaves holding means or class probabilities, predictions averaged.
import { z } from "zod";
import { averageOfNormalised } from "./feature-importance.js";
import { type ForestJob, growForestTrees } from "./forest-trees.js";
import { binColumns, MAX_BINS } from "./hist/bin-mapper.js";
import { copyElements } from "./hist/shared-copy.js";
import { MaxBinsSchema, resolveTreeMethod, TreeMethodSchema } from "./hist/tree-method.js";
import { MaxFeaturesSchema, resolveMaxFeatures } from "./model-params.js";
import type { FitOptions, ModelType, TrainingSet } from "./model-type.js";
import { sortColumns } from "./sorted-columns.js";
import { checkTrainingSet } from "./training-set.js";
import { Tree, type TreeEnsemble } from "./tree-ensemble.js";
import { ensembleFor } from "./tree-json.js";

export const ForestParamsSchema = z.strictObject({
  n_estimators: z.number().int().min(1).default(100),
  /** null: grow until leaves are pure or too small. */
  max_depth: z.number().int().min(1).nullable().default(null),
  min_samples_split: z.number().int().min(2).default(2),
  min_samples_leaf: z.number().int().min(1).default(1),
  /** null: all features for regression, sqrt for classification (scikit-learn's defaults). */
  max_features: MaxFeaturesSchema.nullable().default(null),
  bootstrap: z.boolean().default(true),
  /** Fraction of the rows drawn per tree when bootstrapping; null: as many as there are rows. */
  max_samples: z.number().gt(0).max(1).nullable().default(null),
  /** exact: every distinct value a candidate threshold; hist: ≤ max_bins quantile bins; auto: by row count. */
  tree_method: TreeMethodSchema.default("auto"),
  max_bins: MaxBinsSchema.default(MAX_BINS),
});
export type ForestParams = z.infer<typeof ForestParamsSchema>;

export const forest: ModelType<ForestParams> = {
  name: "forest",
  tasks: ["regression", "classification"],
  params: ForestParamsSchema,
  fit: fitForest,
};

async function fitForest(
  data: TrainingSet,
  params: ForestParams,
  options: FitOptions,
): Promise<TreeEnsemble> {
  const shape = checkTrainingSet(data);
  const classification = data.task === "classification";
  const outputs = classification ? shape.classCount : 1;
  const rows = data.rows;
  const threads = options.threads ?? 1;
  const columns =
    resolveTreeMethod(params.tree_method, rows) === "hist"
      ? binColumns(data.x, rows, shape.features, {
          maxBins: params.max_bins,
          seed: options.seed,
          // Shared with the worker threads instead of copied to each.
          ...(threads > 1 ? { into: new Uint8Array(new SharedArrayBuffer(rows * shape.features)) } : {}),
        })
      : sortColumns(data.x, rows, shape.features);
  const job: ForestJob = {
    columns,
    // Shared with the worker threads instead of copied to each.
    y: threads > 1 ? sharedCopy(data.y) : data.y,
    outputs,
    classification,
    growth: {
      maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
      minSamplesSplit: params.min_samples_split,
      minSamplesLeaf: params.min_samples_leaf,
      minChildWeight: 0,
      lambda: 0,
      minGain: Number.NEGATIVE_INFINITY,
      gamma: 0,
      maxFeatures: resolveMaxFeatures(params.max_features, shape.features, data.task),
      leafScale: 1,
      stopWhenPure: true,
    },
    bootstrapDraws: params.bootstrap ? Math.max(1, Math.round((params.max_samples ?? 1) * rows)) : 0,
    seed: options.seed,
  };
  const treeCount = params.n_estimators;
  // Loaded only when used: the thread pool needs import.meta, which notebook kernels may lack.
  const grown =
    threads > 1
      ? await (await import("./forest-threads.js")).growForestOnThreads(job, treeCount, threads)
      : await growForestTrees(
          job,
          Array.from({ length: treeCount }, (_, t) => t),
        );
  const featureImportance = averageOfNormalised(
    grown.map((tree) => tree.gain),
    shape.features,
  );
  return ensembleFor(data, {
    modelType: "forest",
    outputs,
    aggregate: "average",
    base: new Array<number>(outputs).fill(0),
    postTransform: "none",
    // Histogram trees' thresholds come as bins: each tree reads them from the fit's cut points.
    trees: grown.map(
      (tree) => new Tree("bins" in columns ? { ...tree.columns, cuts: columns.thresholds } : tree.columns),
    ),
    featureImportance,
  });
}

function sharedCopy(values: Float64Array): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(values.byteLength));
  copyElements(shared, 0, values, 0, values.length);
  return shared;
}
