// The hand-written encoder (onnx-encoder.ts) writes the bytes onnx-proto's encoder writes for the same model: the
// package stage's models of every learner and task and of every featurizer op, and attributes of every kind with
// values the package stage does not make (negative and 64-bit ints, empty lists, non-ASCII strings, tensors that
// are not raw data).
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type AttributeValue,
  type GraphNode,
  nodeProto,
  onnx,
  tensor,
} from "../../../src/ml/onnx/graph-builder.js";
import { encodeModel } from "../../../src/ml/onnx/onnx-encoder.js";
import { buildOnnxModel, type OnnxModelParts, onnxModelParts } from "../../../src/ml/onnx/onnx-model.js";
import { everyLearner } from "../models/every-learner.js";
import { handBuiltCase } from "./hand-built.js";

/** The model as onnx-proto encodes it: the nodes as plain onnx-proto messages, their values as JS arrays. */
function protobufjsBytes({ model, graph, nodes }: OnnxModelParts): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ ...model, graph: { ...graph, node: nodes.map(nodeProto) } }),
  ).finish();
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, name: string): void {
  assert.is(actual.length, expected.length, `${name}: length`);
  const first = actual.findIndex((byte, i) => byte !== expected[i]);
  assert.is(first, -1, `${name}: first differing byte`);
}

const options = { name: "m", producerVersion: "1.2.3", docString: "a model", metadata: { b: "2", a: "1" } };

test("every learner and task, every featurizer op: onnx-proto's bytes", async () => {
  const cases = [
    ...(await everyLearner()),
    ...(["regression", "binary", "multiclass", "forest-classifier"] as const).map((kind) => ({
      name: `hand-built ${kind}`,
      ...handBuiltCase(kind, { trees: 30, depth: 7 }),
    })),
  ];
  let missingTracks = 0;
  for (const { name, featurizer, ensemble } of cases) {
    const parts = onnxModelParts(featurizer, ensemble, options);
    const expected = protobufjsBytes(parts);
    assertSameBytes(buildOnnxModel(featurizer, ensemble, options), expected, name);
    const trees = parts.nodes.find((node) => node.opType === "TreeEnsembleRegressor");
    assert.ok(trees, `${name}: a tree ensemble node`);
    if (trees?.attributes.some(([key]) => key === "nodes_missing_value_tracks_true")) missingTracks++;
  }
  assert.ok(missingTracks > 0, "some model tracks missing values to the true branch");
});

test("attributes of every kind and value: onnx-proto's bytes", () => {
  const attributes: [string, AttributeValue][] = [
    ["int_zero", { int: 0 }],
    ["int_negative", { int: -1 }],
    ["int_large", { int: 2 ** 40 + 3 }],
    ["int_large_negative", { int: -(2 ** 40) }],
    ["int_uint32", { int: 2 ** 32 - 1 }],
    ["float", { float: 0.1 }],
    ["float_zero", { float: 0 }],
    ["float_nan", { float: Number.NaN }],
    ["string", { string: "héllo, wörld ✓ 🌲" }],
    ["string_empty", { string: "" }],
    [
      "ints",
      { ints: [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 35, -5, -(2 ** 31), 2 ** 53 - 1] },
    ],
    ["ints_typed", { ints: Int32Array.from([-3, 0, 300, 2 ** 31 - 1]) }],
    ["ints_narrow", { ints: Uint16Array.from([65535, 0, 129]) }],
    ["ints_empty", { ints: [] }],
    ["floats", { floats: [0.5, -1e-40, 3.4e38, Number.POSITIVE_INFINITY] }],
    ["floats_typed", { floats: Float64Array.from([0.1, 0.2]) }],
    ["floats_empty", { floats: new Float32Array(0) }],
    ["strings", { strings: ["a", "", "ünïcödé", "a"] }],
    ["strings_empty", { strings: [] }],
    [
      "strings_coded",
      { codedStrings: { names: ["LEAF", "BRANCH_LEQ", "é"], codes: Uint8Array.from([1, 0, 2, 1]) } },
    ],
    ["tensor_double", { tensor: tensor("d", "double", Float64Array.from([1.5, -0, 1e300])) }],
    ["tensor_double_array", { tensor: tensor("d2", "double", [1.5, 2.5]) }],
    ["tensor_float", { tensor: tensor("f", "float", [0.25], []) }],
    ["tensor_empty", { tensor: tensor("e", "double", []) }],
    ["tensor_int64", { tensor: tensor("i", "int64", [1, -2, 2 ** 40], [3, 1]) }],
    ["tensor_bool", { tensor: tensor("b", "bool", [true, false]) }],
    ["tensor_string", { tensor: tensor("s", "string", ["x", "ÿ"]) }],
    ["tensor_doc", { tensor: { ...tensor("t", "double", [1]), docString: "not raw data only" } }],
  ];
  const nodes: GraphNode[] = [
    {
      name: "every_attribute",
      opType: "Custom",
      domain: "ai.test",
      input: ["x", "ÿ"],
      output: ["y"],
      attributes,
      docString: "every kind",
    },
    { name: "", opType: "Identity", domain: "", input: [], output: [], attributes: [] },
  ];
  const parts: OnnxModelParts = {
    model: {
      irVersion: 8,
      opsetImport: [{ domain: "", version: 15 }],
      producerName: "test",
      metadataProps: [{ key: "k", value: "v" }],
    },
    graph: { name: "g", initializer: [tensor("c", "float", [1, 2])] },
    nodes,
  };
  assertSameBytes(
    encodeModel(parts.model, parts.graph, parts.nodes),
    protobufjsBytes(parts),
    "every attribute",
  );
  const decoded = onnx.ModelProto.decode(encodeModel(parts.model, parts.graph, parts.nodes));
  assert.equal(
    decoded.graph?.node?.[0]?.attribute?.map((attribute) => attribute.name),
    attributes.map(([name]) => name),
  );
});

test.run();
