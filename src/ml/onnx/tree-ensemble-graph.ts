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

function ensembleAttributes(ensemble: TreeEnsemble, postTransform: "NONE" | "SOFTMAX") {
  const nodeTree: number[] = [];
  const nodeId: number[] = [];
  const nodeFeature: number[] = [];
  const nodeMode: string[] = [];
  const nodeThreshold: number[] = [];
  const nodeTrue: number[] = [];
  const nodeFalse: number[] = [];
  const nodeMissingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetId: number[] = [];
  const targetWeight: number[] = [];
  ensemble.trees.forEach((tree, t) => {
    tree.feature.forEach((feature, n) => {
      const leaf = feature < 0;
      nodeTree.push(t);
      nodeId.push(n);
      nodeFeature.push(leaf ? 0 : feature);
      nodeMode.push(leaf ? "LEAF" : "BRANCH_LEQ");
      nodeThreshold.push(leaf ? 0 : (tree.threshold[n] as number));
      nodeTrue.push(leaf ? 0 : leftChild(tree, n));
      nodeFalse.push(leaf ? 0 : (tree.right[n] as number));
      nodeMissingTrue.push(leaf ? 0 : (tree.missingLeft?.[n] ?? 0));
      if (!leaf) return;
      for (let k = 0; k < ensemble.outputs; k++) {
        targetTree.push(t);
        targetNode.push(n);
        targetId.push(k);
        targetWeight.push(tree.value[n * ensemble.outputs + k] as number);
      }
    });
  });
  const base = Array.from({ length: ensemble.outputs }, (_, k) => ensemble.base[k] ?? 0);
  return {
    n_targets: { int: ensemble.outputs },
    aggregate_function: { string: ensemble.aggregate === "average" ? "AVERAGE" : "SUM" },
    post_transform: { string: postTransform },
    base_values_as_tensor: { tensor: tensor("base_values", "double", base) },
    nodes_treeids: { ints: nodeTree },
    nodes_nodeids: { ints: nodeId },
    nodes_featureids: { ints: nodeFeature },
    nodes_modes: { strings: nodeMode },
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
