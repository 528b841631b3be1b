// Featurizer + trees → one ONNX model (bytes). The graph's interface is what the server relies on:
//   input  "features":      float32 [N, F], raw features in the featurizer's input order (= the manifest's order)
//   output "prediction":    float32 [N, 1]                      (regression)
//   output "label":         int64, double or string [N]         (classification: the class label itself)
//   output "probabilities": float32 [N, classes], classes order  (classification)
import type onnxProto from "onnx-proto";
import type { Featurizer } from "../features/featurizer-spec.js";
import { leftChild, type TreeEnsemble } from "../models/tree-ensemble.js";
import { addFeaturizer } from "./featurizer-graph.js";
import { DataType, GraphBuilder, type GraphNode, ML_DOMAIN, onnx, tensorValueInfo } from "./graph-builder.js";
import { encodeModel } from "./onnx-encoder.js";
import { addTreeEnsemble, labelType } from "./tree-ensemble-graph.js";

export const IR_VERSION = 8;
export const OPSET = 15;
export const ML_OPSET = 3;
export const PRODUCER = "tabula";

export const TENSOR_NAMES = {
  input: "features",
  prediction: "prediction",
  label: "label",
  probabilities: "probabilities",
} as const;

export interface OnnxModelOptions {
  /** The graph's name (the model name). */
  name: string;
  producerVersion: string;
  docString: string;
  /** metadata_props, written sorted by key. */
  metadata: Record<string, string>;
}

/** Why a featurizer and an ensemble cannot be packaged together; empty when they can. */
export function incompatibilities(featurizer: Featurizer, ensemble: TreeEnsemble): string[] {
  const problems: string[] = [];
  const expected = featurizer.outputs.join(", ");
  const actual = ensemble.featureNames.join(", ");
  if (expected !== actual)
    problems.push(
      `the trees read [${actual}] but the featurizer produces [${expected}] (same names, same order)`,
    );
  if (ensemble.task === "classification") {
    const classes = ensemble.classes?.length ?? 0;
    const expectedClasses = ensemble.postTransform === "logistic" ? 2 : ensemble.outputs;
    if (classes !== expectedClasses)
      problems.push(
        `a ${ensemble.postTransform} classifier with ${ensemble.outputs} outputs needs ${expectedClasses} classes, found ${classes}`,
      );
    if (ensemble.postTransform === "logistic" && ensemble.outputs !== 1)
      problems.push(
        `a logistic classifier has one output (the score of ${String(ensemble.classes?.[1])}), found ${ensemble.outputs}`,
      );
  } else if (ensemble.outputs !== 1 || ensemble.postTransform !== "none") {
    problems.push(
      `a regression ensemble has one output and no post-transform, found ${ensemble.outputs} / ${ensemble.postTransform}`,
    );
  }
  ensemble.trees.forEach((tree, t) => {
    const n = tree.feature.length;
    // Read once: a forest's trees make their right children anew on every read (Tree.right).
    const rights = tree.right;
    if (
      [tree.splitBins ?? tree.threshold, tree.left, rights].some(
        (column) => column !== undefined && column.length !== n,
      ) ||
      tree.value.length !== n * ensemble.outputs
    )
      problems.push(`tree ${t}: its node arrays have different lengths`);
    // A plain loop: a large forest has tens of millions of nodes.
    const features = ensemble.featureNames.length;
    for (let i = 0; i < n; i++) {
      const feature = tree.feature[i] as number;
      if (feature >= features) problems.push(`tree ${t} node ${i}: feature ${feature} does not exist`);
      if (feature < 0) continue;
      const left = leftChild(tree, i);
      const right = rights[i] as number;
      if (!(left >= 0 && left < n && left !== i && right >= 0 && right < n && right !== i))
        problems.push(`tree ${t} node ${i}: its children are not nodes of the same tree`);
    }
  });
  return problems;
}

/** What the model is made of: its fields, its graph's fields but the nodes, and the nodes (see encodeModel). */
export interface OnnxModelParts {
  model: Omit<onnxProto.onnx.IModelProto, "graph">;
  graph: Omit<onnxProto.onnx.IGraphProto, "node">;
  nodes: GraphNode[];
}

export function buildOnnxModel(
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  options: OnnxModelOptions,
): Uint8Array {
  const { model, graph, nodes } = onnxModelParts(featurizer, ensemble, options);
  return encodeModel(model, graph, nodes);
}

export function onnxModelParts(
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  options: OnnxModelOptions,
): OnnxModelParts {
  const problems = incompatibilities(featurizer, ensemble);
  if (problems.length > 0) throw new Error(`cannot export to ONNX: ${problems.join("; ")}`);

  const graph = new GraphBuilder();
  const input = graph.reserve(TENSOR_NAMES.input);
  const features = addFeaturizer(graph, featurizer, input);
  const outputs = addTreeEnsemble(graph, ensemble, features, TENSOR_NAMES);

  const inputNames = featurizer.inputs.map((feature) => feature.name).join(", ");
  const graphOutputs =
    ensemble.task === "regression"
      ? [
          tensorValueInfo(
            outputs.prediction as string,
            DataType.FLOAT,
            ["N", 1],
            `predicted ${options.name} target`,
          ),
        ]
      : [
          tensorValueInfo(
            outputs.label as string,
            { int64: DataType.INT64, double: DataType.DOUBLE, string: DataType.STRING }[
              labelType(ensemble.classes ?? [])
            ],
            ["N"],
            `predicted class, one of ${JSON.stringify(ensemble.classes)}`,
          ),
          tensorValueInfo(
            outputs.probabilities as string,
            DataType.FLOAT,
            ["N", ensemble.classes?.length ?? 0],
            `probability of each class, in the order ${JSON.stringify(ensemble.classes)}`,
          ),
        ];

  return {
    model: {
      irVersion: IR_VERSION,
      opsetImport: [
        { domain: "", version: OPSET },
        { domain: ML_DOMAIN, version: ML_OPSET },
      ],
      producerName: PRODUCER,
      producerVersion: options.producerVersion,
      domain: "ai.tabula",
      modelVersion: 1,
      docString: options.docString,
      metadataProps: Object.keys(options.metadata)
        .sort()
        .map((key) => ({ key, value: options.metadata[key] as string })),
    },
    graph: {
      name: options.name,
      docString: `featurizer (${featurizer.steps.length} steps) → ${ensemble.modelType} trees`,
      initializer: graph.initializers,
      input: [
        tensorValueInfo(
          input,
          DataType.FLOAT,
          ["N", featurizer.inputs.length],
          `raw features, float32, in this order: ${inputNames}; missing = NaN; categorical = code (see the manifest)`,
        ),
      ],
      output: graphOutputs,
    },
    nodes: graph.graphNodes,
  };
}

export function decodeOnnxModel(bytes: Uint8Array) {
  return onnx.ModelProto.decode(bytes);
}
