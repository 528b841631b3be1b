// The tree ensemble (src/ml/models/tree-ensemble.ts) as one ai.onnx.ml TreeEnsembleRegressor, plus, for
// classification, the ops that turn its scores into per-class probabilities and a label.
//
// Why float64 inside the trees: onnxruntime's TreeEnsemble kernels compare and accumulate in the type of their input.
// The featurized float32 columns are cast to float64 (exact) and thresholds, leaf values and base values are given as
// float64 tensors, so every comparison is the reference's `x <= threshold` on the same numbers (whatever the learner
// wrote, float32-representable or not) and leaf values are summed in float64 as `predictScores` does.
//
// Why a regressor for classification too: TreeEnsembleClassifier special-cases two classes (it derives the second
// class's score from the first and treats base values loosely), which is the classic source of ONNX/training
// disagreements. The regressor gives the raw per-class scores with the exact post-transform; the probabilities and
// the label (ArgMax, first maximum on ties, then the class label) are explicit ops.
import { leftChild, type TreeEnsemble } from "../models/tree-ensemble.js";
import { DataType, type GraphBuilder, ML_DOMAIN, tensor } from "./graph-builder.js";

export interface TreeOutputs {
  /** Regression: float32 [N, 1]. */
  prediction?: string;
  /** Classification: float32 [N, classes], in `classes` order. */
  probabilities?: string;
  /** Classification: [N]: int64 when every class is an integer, double when every class is a number, else string. */
  label?: string;
}

export type LabelType = "int64" | "double" | "string";

export function labelType(classes: readonly (string | number)[]): LabelType {
  if (classes.every((c) => typeof c === "number" && Number.isSafeInteger(c))) return "int64";
  return classes.every((c) => typeof c === "number") ? "double" : "string";
}

/** Room for `length` whole numbers from 0 to `max`, in the narrowest typed array that holds them. */
function indexArray(length: number, max: number): Uint8Array | Uint16Array | Int32Array {
  if (max < 2 ** 8) return new Uint8Array(length);
  if (max < 2 ** 16) return new Uint16Array(length);
  return new Int32Array(length);
}

const NODE_MODES = ["LEAF", "BRANCH_LEQ"];
const LEAF = 0;
const BRANCH_LEQ = 1;

/**
 * The TreeEnsembleRegressor's attributes, one value per node (nodes_*) or per leaf and output (target_*), in typed
 * arrays: a forest grown to pure leaves on a million rows has ~25 million nodes.
 */
function ensembleAttributes(ensemble: TreeEnsemble, postTransform: "NONE" | "SOFTMAX") {
  const outputs = ensemble.outputs;
  let nodes = 0;
  let leaves = 0;
  let widest = 0;
  // Node counts from the columns: trees may come as plain objects (structuredClone) without Tree's getters.
  for (const { feature } of ensemble.trees) {
    nodes += feature.length;
    widest = Math.max(widest, feature.length);
    for (let n = 0; n < feature.length; n++) if ((feature[n] as number) < 0) leaves++;
  }
  const lastTree = ensemble.trees.length - 1;
  const lastNode = widest - 1;
  const nodeTree = indexArray(nodes, lastTree);
  const nodeId = indexArray(nodes, lastNode);
  const nodeFeature = indexArray(nodes, ensemble.featureNames.length - 1);
  const nodeMode = new Uint8Array(nodes);
  const nodeThreshold = new Float64Array(nodes);
  const nodeTrue = indexArray(nodes, lastNode);
  const nodeFalse = indexArray(nodes, lastNode);
  const nodeMissingTrue = new Uint8Array(nodes);
  const targets = leaves * outputs;
  const targetTree = indexArray(targets, lastTree);
  const targetNode = indexArray(targets, lastNode);
  const targetId = indexArray(targets, outputs - 1);
  const targetWeight = new Float64Array(targets);
  let at = 0;
  let target = 0;
  ensemble.trees.forEach((tree, t) => {
    // Read once: a forest's trees make their thresholds and right children anew on every read (Tree.threshold).
    const threshold = tree.threshold;
    const right = tree.right;
    for (let n = 0; n < tree.feature.length; n++, at++) {
      const feature = tree.feature[n] as number;
      nodeTree[at] = t;
      nodeId[at] = n;
      if (feature >= 0) {
        nodeFeature[at] = feature;
        nodeMode[at] = BRANCH_LEQ;
        nodeThreshold[at] = threshold[n] as number;
        nodeTrue[at] = leftChild(tree, n);
        nodeFalse[at] = right[n] as number;
        nodeMissingTrue[at] = tree.missingLeft?.[n] ?? 0;
        continue;
      }
      nodeMode[at] = LEAF;
      for (let k = 0; k < outputs; k++, target++) {
        targetTree[target] = t;
        targetNode[target] = n;
        targetId[target] = k;
        targetWeight[target] = tree.value[n * outputs + k] as number;
      }
    }
  });
  const base = Array.from({ length: outputs }, (_, k) => ensemble.base[k] ?? 0);
  return {
    n_targets: { int: outputs },
    aggregate_function: { string: ensemble.aggregate === "average" ? "AVERAGE" : "SUM" },
    post_transform: { string: postTransform },
    base_values_as_tensor: { tensor: tensor("base_values", "double", base) },
    nodes_treeids: { ints: nodeTree },
    nodes_nodeids: { ints: nodeId },
    nodes_featureids: { ints: nodeFeature },
    nodes_modes: { codedStrings: { names: NODE_MODES, codes: nodeMode } },
    nodes_values_as_tensor: { tensor: tensor("nodes_values", "double", nodeThreshold) },
    nodes_truenodeids: { ints: nodeTrue },
    nodes_falsenodeids: { ints: nodeFalse },
    // A missing value takes the true (left) branch where the tree learned so; left out when none does, so
    // models without learned directions export as before.
    ...(nodeMissingTrue.includes(1) ? { nodes_missing_value_tracks_true: { ints: nodeMissingTrue } } : {}),
    target_treeids: { ints: targetTree },
    target_nodeids: { ints: targetNode },
    target_ids: { ints: targetId },
    target_weights_as_tensor: { tensor: tensor("target_weights", "double", targetWeight) },
  };
}

/** Adds the trees reading `features` (float32 [N, featureNames]) and returns the model's output tensors. */
export function addTreeEnsemble(
  graph: GraphBuilder,
  ensemble: TreeEnsemble,
  features: string,
  names: { prediction: string; probabilities: string; label: string },
): TreeOutputs {
  const wide = graph.op("Cast", [features], { to: { int: DataType.DOUBLE } });
  const doc = `${ensemble.modelType}: ${ensemble.trees.length} trees, ${ensemble.aggregate}, ${ensemble.postTransform}`;

  if (ensemble.task === "regression") {
    graph.node({
      op: "TreeEnsembleRegressor",
      domain: ML_DOMAIN,
      inputs: [wide],
      outputs: [names.prediction],
      attributes: ensembleAttributes(ensemble, "NONE"),
      doc,
    });
    return { prediction: names.prediction };
  }

  const classes = ensemble.classes ?? [];
  const binaryLogistic = ensemble.postTransform === "logistic";
  const [scores] = graph.node({
    op: "TreeEnsembleRegressor",
    domain: ML_DOMAIN,
    inputs: [wide],
    ...(binaryLogistic ? {} : { outputs: [names.probabilities] }),
    attributes: ensembleAttributes(ensemble, ensemble.postTransform === "softmax" ? "SOFTMAX" : "NONE"),
    doc,
  }) as [string];
  if (binaryLogistic) {
    // P(classes[1]) = σ(score); P(classes[0]) = 1 - σ(score). Not the regressor's LOGISTIC post-transform:
    // onnxruntime's single-target path applies PROBIT only and leaves the score as it is (measured, and so it reads).
    const positive = graph.op("Sigmoid", [scores]);
    const negative = graph.op("Sub", [graph.constant("c_one", "float", [1], []), positive]);
    graph.node({
      op: "Concat",
      inputs: [negative, positive],
      outputs: [names.probabilities],
      attributes: { axis: { int: 1 } },
    });
  }
  const index = graph.op("ArgMax", [names.probabilities], {
    axis: { int: 1 },
    keepdims: { int: 0 },
    select_last_index: { int: 0 },
  });
  const type = labelType(classes);
  const labels = graph.constant(
    "class_labels",
    type,
    type === "string" ? classes.map(String) : classes.map(Number),
  );
  graph.node({
    op: "Gather",
    inputs: [labels, index],
    outputs: [names.label],
    attributes: { axis: { int: 0 } },
  });
  return { probabilities: names.probabilities, label: names.label };
}
