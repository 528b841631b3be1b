// The model compiled to JavaScript against onnxruntime (the reference), on random inputs with missing values: the
// project's registry model, the hand-built packages of every task (regression, binary logistic, multiclass softmax,
// averaged forest classifier), and a hand-written tree ensemble that uses every node mode, missing-value tracks,
// float32 thresholds, averaging, base values and a post-transform, fed values exactly at its thresholds.
import * as ort from "onnxruntime-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileOnnx } from "../../serve/model/compiled/compile-graph.js";
import { parityRows } from "../../serve/model/compiled/parity-rows.js";
import { resolveModelSource } from "../../serve/model/model-source.js";
import { readModelPackage } from "../../serve/model/read-package.js";
import type { ManifestFeature } from "../../src/artifact/manifest.js";
import {
  DataType,
  GraphBuilder,
  ML_DOMAIN,
  onnx,
  tensor,
  tensorValueInfo,
} from "../../src/ml/onnx/graph-builder.js";
import { packagedHandBuilt } from "../package/packaged.js";

/** Random rows: the parity rows' mix, plus wild values (huge, tiny, negative, NaN) in every column. */
function randomRows(features: readonly ManifestFeature[], rows: number, seed: number): Float32Array {
  const tensor = parityRows(features, rows, seed);
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < tensor.length; i += 7) {
    const roll = next();
    tensor[i] =
      roll < 0.3 ? Number.NaN : roll < 0.6 ? Math.fround((next() - 0.5) * 1e6) : Math.fround(next() * 1e-3);
  }
  return tensor;
}

async function compare(
  bytes: Uint8Array,
  width: number,
  input: Float32Array,
): Promise<{ maxAbsDiff: number }> {
  const rows = input.length / width;
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inputName = session.inputNames[0] as string;
  const reference = await session.run({ [inputName]: new ort.Tensor("float32", input, [rows, width]) });
  const compiled = compileOnnx(bytes, width);
  let maxAbsDiff = 0;
  for (const [k, output] of compiled.outputs.entries()) {
    const expected = reference[output.name] as ort.Tensor;
    const data =
      output.type === "float"
        ? new Float32Array(rows * output.width)
        : output.type === "int64"
          ? new BigInt64Array(rows * output.width)
          : new Array(rows * output.width);
    const targets: unknown[] = compiled.outputs.map((o, j) =>
      j === k
        ? data
        : o.type === "float"
          ? new Float32Array(rows * o.width)
          : o.type === "int64"
            ? new BigInt64Array(rows * o.width)
            : new Array(rows * o.width),
    );
    compiled.run(input, rows, targets);
    assert.is(expected.data.length, data.length, `${output.name}: size`);
    for (let i = 0; i < data.length; i++) {
      const a = expected.data[i] as number | bigint | string;
      const b = data[i] as number | bigint | string;
      if (typeof a === "number") {
        if (Number.isNaN(a)) {
          assert.ok(Number.isNaN(b as number), `${output.name}[${i}]: NaN`);
          continue;
        }
        const diff = Math.abs(a - (b as number));
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        assert.ok(
          diff <= 1e-5 * Math.max(1, Math.abs(a)),
          `${output.name}[${i}]: compiled ${b}, onnxruntime ${a}`,
        );
      } else assert.is(b, a, `${output.name}[${i}]`);
    }
  }
  await session.release();
  return { maxAbsDiff };
}

test("the project's registry model: compiled = onnxruntime on 3000 random rows with NaN", async () => {
  const source = resolveModelSource("models/boston", "production");
  assert.ok(source.ok, "models/boston resolves");
  if (!source.ok) return;
  const pkg = readModelPackage(source.value);
  assert.ok(pkg.ok, "the package reads");
  if (!pkg.ok) return;
  const { features } = pkg.value.manifest;
  assert.ok(
    compileOnnx(pkg.value.onnx, features.length).source.includes("cLeaf"),
    "its trees take the complete-tree walk",
  );
  const { maxAbsDiff } = await compare(pkg.value.onnx, features.length, randomRows(features, 3000, 7));
  assert.ok(maxAbsDiff < 1e-3, `max |diff| ${maxAbsDiff}`);
});

for (const kind of ["regression", "binary", "multiclass", "forest-classifier"] as const) {
  test(`hand-built ${kind} package: compiled = onnxruntime on 2000 random rows with NaN`, async () => {
    const packaged = await packagedHandBuilt(kind);
    const { features } = packaged.manifest;
    await compare(packaged.onnx, features.length, randomRows(features, 2000, 3));
  });
}

/**
 * An ensemble exercising every mode, missing tracks, AVERAGE, base values, SOFTMAX over 2 targets. With `uniform`,
 * every split uses that one mode and missing track instead (the complete-tree walk, complete-trees.ts); its trees
 * have leaves at depths 1 and 2, so the walk pads.
 */
function everyModeModel(
  postTransform: "SOFTMAX" | "LOGISTIC" | "NONE",
  targets: number,
  inputType: "float" | "double",
  uniform?: { mode: string; missingTrue: boolean },
): { bytes: Uint8Array; thresholds: number[] } {
  const graph = new GraphBuilder();
  const input = inputType === "double" ? graph.op("Cast", ["x"], { to: { int: DataType.DOUBLE } }) : "x";
  const modes = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"];
  // Thresholds that are not float32 numbers: a float64 input compares with them as they are.
  const thresholds = [0.1, 0.30000000000000004, 1 / 3, 2.5, -0.7, 1e-8];
  const nodes = {
    tree: [] as number[],
    id: [] as number[],
    feature: [] as number[],
    mode: [] as string[],
    value: [] as number[],
    yes: [] as number[],
    no: [] as number[],
    missing: [] as number[],
  };
  const leaves = {
    tree: [] as number[],
    node: [] as number[],
    target: [] as number[],
    weight: [] as number[],
  };
  modes.forEach((mode, t) => {
    // Tree t: root splits on feature t % 3 with `mode`, its true child on feature (t+1) % 3 with BRANCH_LEQ.
    const add = (
      id: number,
      feature: number,
      m: string,
      value: number,
      yes: number,
      no: number,
      missing: number,
    ) => {
      nodes.tree.push(t);
      nodes.id.push(id);
      nodes.feature.push(feature);
      nodes.mode.push(m);
      nodes.value.push(value);
      nodes.yes.push(yes);
      nodes.no.push(no);
      nodes.missing.push(missing);
    };
    const missing = (track: number) => (uniform ? Number(uniform.missingTrue) : track);
    add(0, t % 3, uniform?.mode ?? mode, thresholds[t] as number, 1, 2, missing(t % 2));
    add(
      1,
      (t + 1) % 3,
      uniform?.mode ?? "BRANCH_LEQ",
      thresholds[(t + 1) % 6] as number,
      3,
      4,
      missing((t + 1) % 2),
    );
    for (const leaf of [2, 3, 4]) {
      add(leaf, 0, "LEAF", 0, 0, 0, 0);
      for (let k = 0; k < targets; k++) {
        leaves.tree.push(t);
        leaves.node.push(leaf);
        leaves.target.push(k);
        leaves.weight.push((t + 1 + k) * 0.37 * leaf - k * 0.11);
      }
    }
  });
  graph.node({
    op: "TreeEnsembleRegressor",
    domain: ML_DOMAIN,
    inputs: [input],
    outputs: ["y"],
    attributes: {
      n_targets: { int: targets },
      aggregate_function: { string: "AVERAGE" },
      post_transform: { string: postTransform },
      base_values: { floats: Array.from({ length: targets }, (_, k) => 0.25 + k) },
      nodes_treeids: { ints: nodes.tree },
      nodes_nodeids: { ints: nodes.id },
      nodes_featureids: { ints: nodes.feature },
      nodes_modes: { strings: nodes.mode },
      // A float32 input takes float32 thresholds; a float64 one compares with float64 thresholds (0.1 is not 0.1f).
      ...(inputType === "double"
        ? { nodes_values_as_tensor: { tensor: tensor("nodes_values", "double", nodes.value) } }
        : { nodes_values: { floats: nodes.value } }),
      nodes_truenodeids: { ints: nodes.yes },
      nodes_falsenodeids: { ints: nodes.no },
      nodes_missing_value_tracks_true: { ints: nodes.missing },
      target_treeids: { ints: leaves.tree },
      target_nodeids: { ints: leaves.node },
      target_ids: { ints: leaves.target },
      target_weights: { floats: leaves.weight },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: "", version: 15 },
      { domain: ML_DOMAIN, version: 3 },
    ],
    graph: {
      name: "every-mode",
      node: graph.nodes,
      initializer: graph.initializers,
      input: [tensorValueInfo("x", DataType.FLOAT, ["N", 3])],
      output: [tensorValueInfo("y", DataType.FLOAT, ["N", targets])],
    },
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), thresholds };
}

/** Each threshold as float32, one float32 step either side, NaN and a few others, in every combination of columns. */
function rowsAtThresholds(thresholds: number[]): Float32Array {
  const values = [Number.NaN, 0, 100, -100];
  for (const t of thresholds) {
    const at = Math.fround(t);
    const bits = new Float32Array([at]);
    const word = new Int32Array(bits.buffer);
    const up = new Float32Array(new Int32Array([(word[0] as number) + 1]).buffer)[0] as number;
    const down = new Float32Array(new Int32Array([(word[0] as number) - 1]).buffer)[0] as number;
    values.push(at, up, down);
  }
  const rows: number[] = [];
  for (const a of values) for (const b of values) for (const c of values) rows.push(a, b, c);
  return new Float32Array(rows);
}

for (const [postTransform, targets, inputType] of [
  ["NONE", 1, "float"],
  ["NONE", 1, "double"],
  ["SOFTMAX", 2, "float"],
  ["LOGISTIC", 3, "double"],
  ["NONE", 2, "float"],
] as const) {
  test(`every node mode, missing tracks, AVERAGE, ${postTransform} × ${targets}, ${inputType} input: compiled = onnxruntime at the thresholds`, async () => {
    const { bytes, thresholds } = everyModeModel(postTransform, targets, inputType);
    assert.ok(!compileOnnx(bytes, 3).source.includes("cLeaf"), "mixed modes keep the flat walk");
    await compare(bytes, 3, rowsAtThresholds(thresholds));
  });
}

for (const mode of ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"])
  for (const missingTrue of [false, true])
    for (const [postTransform, targets, inputType] of [
      ["NONE", 1, "float"],
      ["NONE", 1, "double"],
      ["SOFTMAX", 2, "float"],
    ] as const)
      test(`complete-tree walk, all ${mode}, missing ${missingTrue ? "true" : "false"}, ${postTransform} × ${targets}, ${inputType}: compiled = onnxruntime at the thresholds`, async () => {
        const { bytes, thresholds } = everyModeModel(postTransform, targets, inputType, {
          mode,
          missingTrue,
        });
        assert.ok(
          compileOnnx(bytes, 3).source.includes("cLeaf"),
          "one mode and track: the complete-tree walk",
        );
        await compare(bytes, 3, rowsAtThresholds(thresholds));
      });

test("an op the compiler does not know is refused with its name", () => {
  const graph = new GraphBuilder();
  graph.node({ op: "Softplus", inputs: ["x"], outputs: ["y"] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 15 }],
    graph: {
      name: "softplus",
      node: graph.nodes,
      input: [tensorValueInfo("x", DataType.FLOAT, ["N", 2])],
      output: [tensorValueInfo("y", DataType.FLOAT, ["N", 2])],
    },
  });
  assert.throws(() => compileOnnx(onnx.ModelProto.encode(model).finish(), 2), /Softplus/);
});

test.run();
