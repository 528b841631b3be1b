// The ml-random-forest package (trees from ml-cart) as a model type, kept for comparison with our forest.
// Its fitted trees are converted to the one exported format, exactly:
//   - ml-cart sends a row left when x < splitValue; for float32 x that is x <= t with t the largest float32
//     below splitValue;
//   - each tree sees a per-tree sample of the columns (drawn once per tree, not per split), so its column
//     indices are mapped back through the forest's `indexes`;
//   - a classifier tree votes for its leaf's majority class (the forest takes the mode of the votes), so a
//     leaf holds a one-hot vector and the averaged vector is the vote share;
//   - a regression forest averages the trees' leaf means.
// Tree sizes (`samples`) count the training rows reaching each node (before bagging, which ml-random-forest
// does not expose).
import { RandomForestClassifier, RandomForestRegression } from "ml-random-forest";
import { z } from "zod";
import { impurityImportance } from "./feature-importance.js";
import { strictBoundToThreshold } from "./float32.js";
import { ParamsError } from "./model-params.js";
import type { FitOptions, ModelType, TrainingSet } from "./model-type.js";
import { checkTrainingSet } from "./training-set.js";
import { Tree, type TreeEnsemble, type TreeJson } from "./tree-ensemble.js";
import { ensembleFor } from "./tree-json.js";

export const MlRandomForestParamsSchema = z.strictObject({
  n_estimators: z.number().int().min(1).default(50),
  /** Columns drawn per tree: a fraction in (0, 1] or a whole number. */
  max_features: z
    .number()
    .positive()
    .refine((value) => value <= 1 || Number.isInteger(value), {
      message: "expected a fraction in (0, 1] or a whole number of features",
    })
    .default(1),
  /** Draw the columns with replacement; null: the package's default (classification yes, regression no). */
  replacement: z.boolean().nullable().default(null),
  use_sample_bagging: z.boolean().default(true),
  max_depth: z.number().int().min(1).nullable().default(null),
  /** ml-cart's minNumSamples: nodes with at most this many rows become leaves. */
  min_num_samples: z.number().int().min(1).default(3),
  /** ml-cart's gainThreshold; null: the package's default (0.01 for classification, 0 for regression). */
  gain_threshold: z.number().min(0).nullable().default(null),
});
export type MlRandomForestParams = z.infer<typeof MlRandomForestParamsSchema>;

export const mlRandomForest: ModelType<MlRandomForestParams> = {
  name: "ml-random-forest",
  tasks: ["regression", "classification"],
  params: MlRandomForestParamsSchema,
  fit: (data, params, options) => fitMlRandomForest(data, params, options).ensemble,
};

/** The slice of ml-cart's TreeNode the conversion reads. */
interface CartNode {
  splitValue?: number;
  splitColumn?: number;
  left?: CartNode;
  right?: CartNode;
  /** Regression: the leaf mean. Classification: a 1 × classes ml-matrix row of class shares. */
  distribution?: number | { maxRowIndex(row: number): [number, number] };
}

/** The slice of ml-random-forest's forests the adapter uses. */
export interface MlForest {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  indexes: number[][];
  estimators: { root: CartNode }[];
}

/** Fits with ml-random-forest and converts; also returns the package's own model (tests compare the two). */
export function fitMlRandomForest(
  data: TrainingSet,
  params: MlRandomForestParams,
  options: FitOptions,
): { model: MlForest; ensemble: TreeEnsemble } {
  const shape = checkTrainingSet(data);
  const features = shape.features;
  if (params.max_features > 1 && params.max_features > features)
    throw new ParamsError(
      "ml-random-forest",
      "max_features",
      `${params.max_features} asks for more features than the data has (${features})`,
    );
  const classification = data.task === "classification";
  const forestOptions = {
    nEstimators: params.n_estimators,
    maxFeatures: params.max_features,
    ...(params.replacement === null ? {} : { replacement: params.replacement }),
    useSampleBagging: params.use_sample_bagging,
    seed: options.seed | 0,
    noOOB: true,
    treeOptions: {
      maxDepth: params.max_depth ?? Number.POSITIVE_INFINITY,
      minNumSamples: params.min_num_samples,
      ...(params.gain_threshold === null ? {} : { gainThreshold: params.gain_threshold }),
    },
  };
  const model = (classification
    ? new RandomForestClassifier(forestOptions)
    : new RandomForestRegression(forestOptions)) as unknown as MlForest;
  model.train(toRows(data.x, data.rows, features), Array.from(data.y));
  return { model, ensemble: convertMlForest(model, data) };
}

/** The ensemble equivalent to a trained ml-random-forest `model` (trained on `data`). */
export function convertMlForest(model: MlForest, data: TrainingSet): TreeEnsemble {
  const shape = checkTrainingSet(data);
  const classification = data.task === "classification";
  const outputs = classification ? shape.classCount : 1;
  const trees = model.estimators.map((estimator, i) => {
    const tree = convertTree(estimator.root, model.indexes[i] ?? [], outputs, classification);
    countRows(tree, data);
    return Tree.fromJson(tree, outputs);
  });
  const ensemble = ensembleFor(data, {
    modelType: "ml-random-forest",
    outputs,
    aggregate: "average",
    base: new Array<number>(outputs).fill(0),
    postTransform: "none",
    trees,
  });
  return { ...ensemble, featureImportance: impurityImportance(ensemble) };
}

function convertTree(root: CartNode, columns: number[], outputs: number, classification: boolean): TreeJson {
  const tree: TreeJson = { feature: [], threshold: [], left: [], right: [], value: [] };
  const visit = (node: CartNode): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push([]);
    if (node.left !== undefined && node.right !== undefined) {
      tree.feature[id] = columns[node.splitColumn as number] as number;
      tree.threshold[id] = strictBoundToThreshold(node.splitValue as number);
      tree.left[id] = visit(node.left);
      tree.right[id] = visit(node.right);
    } else {
      tree.value[id] = leafValue(node, outputs, classification);
    }
    return id;
  };
  visit(root);
  return tree;
}

function leafValue(node: CartNode, outputs: number, classification: boolean): number[] {
  const distribution = node.distribution;
  if (!classification) return [distribution as number];
  const vote = (distribution as { maxRowIndex(row: number): [number, number] }).maxRowIndex(0)[1];
  const oneHot = new Array<number>(outputs).fill(0);
  oneHot[vote] = 1;
  return oneHot;
}

/** Fills `samples` (training rows per node) and inner nodes' `value` (the rows' average of leaf values). */
function countRows(tree: TreeJson, data: TrainingSet): void {
  const width = data.features.length;
  const samples = new Array<number>(tree.feature.length).fill(0);
  for (let i = 0; i < data.rows; i++) {
    let node = 0;
    samples[0] = (samples[0] as number) + 1;
    for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
      node =
        (data.x[i * width + f] as number) <= (tree.threshold[node] as number)
          ? (tree.left[node] as number)
          : (tree.right[node] as number);
      samples[node] = (samples[node] as number) + 1;
    }
  }
  tree.samples = samples;
  // Children come after their parent in pre-order: fill inner values from the last node back.
  for (let node = tree.feature.length - 1; node >= 0; node--) {
    if ((tree.feature[node] as number) < 0) continue;
    const l = tree.left[node] as number;
    const r = tree.right[node] as number;
    const nl = samples[l] as number;
    const nr = samples[r] as number;
    const wl = nl + nr > 0 ? nl / (nl + nr) : 0.5;
    const vl = tree.value[l] as number[];
    const vr = tree.value[r] as number[];
    tree.value[node] = vl.map((v, k) => wl * v + (1 - wl) * (vr[k] as number));
  }
}

function toRows(x: Float32Array, rows: number, features: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * features, (i + 1) * features)));
}
