// The one tree format every model type exports (our forest and boosted trees, the ml-random-forest adapter),
// and the only thing the package stage turns into an ONNX TreeEnsemble. Written as JSON by training, parsed
// with this schema wherever it is read.
//
// Semantics, for one input row x (float32 values, in `featureNames` order):
//   score[k] = base[k] + AGG over trees of value[leaf(tree, x)][k]      (AGG = sum or average)
//   leaf(tree, x): from node 0, go to `left` when x[feature] <= threshold, else to `right`, until feature = -1;
//                  a missing x[feature] (NaN) goes right, or left where the tree's `missingLeft` says 1.
//   regression:      prediction = score[0]                              (postTransform "none")
//   classification:  probabilities = score                              ("none": leaves hold class probabilities)
//                    probabilities = [1 - σ(score[0]), σ(score[0])]       ("logistic": binary, outputs = 1)
//                    probabilities = softmax(score)                     ("softmax": outputs = number of classes)
// Inputs are float32 and thresholds are float32-representable, so float32 inference (onnxruntime) takes exactly
// the branches that training did.

import { z } from "zod";
import { unreachable } from "../../result.js";

export const TREE_FORMAT = "tabula.trees/v1";

export const TreeSchema = z
  .object({
    feature: z.array(z.number().int().min(-1)),
    threshold: z.array(z.number()),
    left: z.array(z.number().int().min(-1)),
    right: z.array(z.number().int().min(-1)),
    /** Per node, `outputs` values. Read at leaves; kept at inner nodes for explanations. */
    value: z.array(z.array(z.number())),
    /** Per node, the (weighted) number of training rows that reached it; feature importance uses it. */
    samples: z.array(z.number()).optional(),
    /** Per node, 1 when a missing value goes left (a learned default direction); absent: missing goes right. */
    missingLeft: z.array(z.union([z.literal(0), z.literal(1)])).optional(),
  })
  .strict();

export const TreeEnsembleSchema = z
  .object({
    format: z.literal(TREE_FORMAT),
    task: z.enum(["regression", "classification"]),
    /** The model type that produced it, e.g. "forest", "gbt", "ml-random-forest". */
    modelType: z.string(),
    /** The model's input columns, in order: the featurizer's outputs. */
    featureNames: z.array(z.string()).min(1),
    /** Classification labels; probability k belongs to classes[k]. */
    classes: z.array(z.union([z.string(), z.number()])).optional(),
    outputs: z.number().int().positive(),
    aggregate: z.enum(["sum", "average"]),
    base: z.array(z.number()),
    postTransform: z.enum(["none", "logistic", "softmax"]),
    trees: z.array(TreeSchema).min(1),
    /** Normalised impurity-decrease importance per feature (sums to 1), if the learner computed it. */
    featureImportance: z.array(z.number()).optional(),
  })
  .strict();

export type Tree = z.infer<typeof TreeSchema>;
export type TreeEnsemble = z.infer<typeof TreeEnsembleSchema>;

/** Index of the leaf that `row` (starting at `offset`) reaches in `tree`. */
export function leafIndex(tree: Tree, row: ArrayLike<number>, offset = 0): number {
  let node = 0;
  const missingLeft = tree.missingLeft;
  for (let feature = tree.feature[0] as number; feature >= 0; feature = tree.feature[node] as number) {
    const x = row[offset + feature] as number;
    const goesLeft = x <= (tree.threshold[node] as number) || (missingLeft?.[node] === 1 && Number.isNaN(x));
    node = goesLeft ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return node;
}

/**
 * Raw scores (before postTransform) for `rows`, a row-major float32 matrix of n × featureNames.length values.
 * Returns n × outputs values, row-major. This is the reference the ONNX export is checked against.
 */
export function predictScores(ensemble: TreeEnsemble, rows: Float32Array): Float64Array {
  const width = ensemble.featureNames.length;
  const n = Math.floor(rows.length / width);
  const k = ensemble.outputs;
  const scores = new Float64Array(n * k);
  const scale = ensemble.aggregate === "average" ? 1 / ensemble.trees.length : 1;
  for (let i = 0; i < n; i++) {
    const out = i * k;
    for (const tree of ensemble.trees) {
      const leaf = tree.value[leafIndex(tree, rows, i * width)] as number[];
      for (let j = 0; j < k; j++) scores[out + j] = (scores[out + j] as number) + (leaf[j] as number);
    }
    for (let j = 0; j < k; j++)
      scores[out + j] = (scores[out + j] as number) * scale + (ensemble.base[j] ?? 0);
  }
  return scores;
}

/**
 * Predictions: for regression n values; for classification n × classes probabilities, row-major.
 */
export function predictOutputs(ensemble: TreeEnsemble, rows: Float32Array): Float64Array {
  return applyPostTransform(ensemble, predictScores(ensemble, rows));
}

/** From raw scores (n × outputs, as predictScores returns them) to predictions, as predictOutputs does. */
export function applyPostTransform(
  ensemble: Pick<TreeEnsemble, "postTransform" | "outputs">,
  scores: Float64Array,
): Float64Array {
  switch (ensemble.postTransform) {
    case "none":
      return scores;
    case "logistic": {
      const probabilities = new Float64Array(scores.length * 2);
      for (let i = 0; i < scores.length; i++) {
        const p = 1 / (1 + Math.exp(-(scores[i] as number)));
        probabilities[2 * i] = 1 - p;
        probabilities[2 * i + 1] = p;
      }
      return probabilities;
    }
    case "softmax": {
      const k = ensemble.outputs;
      const probabilities = new Float64Array(scores.length);
      for (let start = 0; start < scores.length; start += k) {
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < k; j++) max = Math.max(max, scores[start + j] as number);
        let sum = 0;
        for (let j = 0; j < k; j++) {
          const e = Math.exp((scores[start + j] as number) - max);
          probabilities[start + j] = e;
          sum += e;
        }
        for (let j = 0; j < k; j++) probabilities[start + j] = (probabilities[start + j] as number) / sum;
      }
      return probabilities;
    }
    default:
      return unreachable(ensemble.postTransform);
  }
}
