import { test } from "uvu";
import * as assert from "uvu/assert";
import { FEATURIZER_FORMAT, type Featurizer } from "../../../src/ml/features/featurizer-spec.js";
import { onnx } from "../../../src/ml/onnx/graph-builder.js";
import { buildOnnxModel } from "../../../src/ml/onnx/onnx-model.js";
import { createSession, runModel } from "../../../src/ml/onnx/onnx-session.js";
import { checkParity, formatParityReport, type ParityTolerance } from "../../../src/ml/onnx/parity.js";
import { edgeRows, type RowSet, rowPool, sampleRows } from "../../../src/ml/onnx/parity-rows.js";
import { referencePredict } from "../../../src/ml/onnx/reference-model.js";
import {
  handBuiltCase,
  profileOf,
  randomEnsemble,
  rawRows,
  regressionFeaturizer,
  regressionTarget,
} from "./hand-built.js";

const tolerance: ParityTolerance = { prediction: 1e-4 * 9.2, probability: 1e-5 };
const options = { name: "test", producerVersion: "test", docString: "", metadata: {} };

async function parityOf(kind: Parameters<typeof handBuiltCase>[0], bytes?: Uint8Array) {
  const c = handBuiltCase(kind);
  const session = await createSession(bytes ?? buildOnnxModel(c.featurizer, c.ensemble, options));
  const testSet: RowSet = { name: "test", raw: c.test, rows: c.test.length / c.featurizer.inputs.length };
  const sampled = sampleRows(c.featurizer, c.profile, 10_000, 7);
  const pool = rowPool([testSet, sampled], c.featurizer.inputs.length, 2000);
  const sets = [testSet, sampled, edgeRows(c.featurizer, c.ensemble, c.profile, pool)];
  const report = await checkParity(session, c.featurizer, c.ensemble, sets, tolerance);
  await session.release();
  return report;
}

test("regression with every featurizer op (impute, log1p, scale, clip, one-hot, expressions) matches the JS model", async () => {
  const report = await parityOf("regression");
  assert.ok(report.passed, formatParityReport(report));
  assert.is(report.sets.map((set) => set.name).join(","), "test,sampled,edge");
  assert.ok(report.rows > 10_100);
  // float32 output of a float64 sum: within one float32 ulp of values around 20-50.
  assert.ok(report.maxAbsDiff < 1e-5, `max |diff| ${report.maxAbsDiff}`);
});

for (const kind of ["binary", "multiclass", "forest-classifier"] as const) {
  test(`${kind} classification with a categorical feature: identical labels, probabilities within 1e-5`, async () => {
    const report = await parityOf(kind);
    assert.ok(report.passed, formatParityReport(report));
    assert.is(report.labelMismatches, 0);
    assert.ok(report.maxAbsDiff < 1e-6, `max |diff| ${report.maxAbsDiff}`);
  });
}

test("vectorised step runs: a whole block, derived single columns, steps split across blocks", async () => {
  const featurizer: Featurizer = {
    format: FEATURIZER_FORMAT,
    inputs: [
      { name: "rooms", kind: "numeric" },
      { name: "tax", kind: "numeric" },
    ],
    steps: [
      { op: "log1p", column: "rooms" },
      { op: "log1p", column: "tax" },
      {
        op: "expression",
        output: "ratio",
        source: "tax / rooms",
        expr: { op: "div", args: [{ column: "tax" }, { column: "rooms" }] },
      },
      { op: "scale", column: "ratio", mean: 3, std: 0.5 },
      { op: "scale", column: "rooms", mean: 2, std: 0.1 },
      { op: "impute", column: "ratio", strategy: "constant", value: 0 },
      { op: "impute", column: "tax", strategy: "constant", value: 6 },
    ],
    outputs: ["ratio", "tax", "rooms"],
  };
  const train = rawRows(regressionFeaturizer, 400, 3).filter((_, i) => i % 5 === 0 || i % 5 === 4);
  const ensemble = randomEnsemble(featurizer, train, {
    task: "regression",
    aggregate: "sum",
    postTransform: "none",
    outputs: 1,
    trees: 20,
    depth: 5,
    seed: 3,
  });
  const session = await createSession(buildOnnxModel(featurizer, ensemble, options));
  const profile = profileOf(featurizer, train, regressionTarget);
  const set: RowSet = { name: "train", raw: train, rows: train.length / 2 };
  const sets = [set, sampleRows(featurizer, profile, 2000, 1), edgeRows(featurizer, ensemble, profile, set)];
  const report = await checkParity(session, featurizer, ensemble, sets, tolerance);
  assert.ok(report.passed, formatParityReport(report));
  await session.release();
});

test("labels come out as the class labels: strings, int64 for integer classes, double for other numbers", async () => {
  for (const [kind, classes] of [
    ["binary", ["no", "yes"]],
    ["multiclass", [0, 1, 2]],
    ["multiclass", [0.5, 1.5, 2.5]],
  ] as const) {
    const c = handBuiltCase(kind);
    const ensemble = { ...c.ensemble, classes: [...classes] };
    const session = await createSession(buildOnnxModel(c.featurizer, ensemble, options));
    const outputs = await runModel(session, c.test, c.featurizer.inputs.length);
    assert.ok(outputs.labels?.every((label) => (classes as readonly (string | number)[]).includes(label)));
    assert.equal(outputs.labels, referencePredict(c.featurizer, ensemble, c.test).labels);
    assert.is(outputs.probabilities?.length, (c.test.length / c.featurizer.inputs.length) * classes.length);
    await session.release();
  }
});

test("a threshold edited by one float32 step in model.onnx fails the check, caught by the edge rows", async () => {
  const c = handBuiltCase("regression");
  const model = onnx.ModelProto.decode(buildOnnxModel(c.featurizer, c.ensemble, options));
  const trees = model.graph?.node?.find((node) => node.opType === "TreeEnsembleRegressor");
  const values = trees?.attribute?.find((attribute) => attribute.name === "nodes_values_as_tensor")?.t;
  const featureIds =
    trees?.attribute?.find((attribute) => attribute.name === "nodes_featureids")?.ints?.map(Number) ?? [];
  const modes = trees?.attribute?.find((attribute) => attribute.name === "nodes_modes")?.strings ?? [];
  assert.ok(values?.rawData, "thresholds are stored as a float64 tensor");
  // The first split on `crime` (a log1p column, continuous): move it one float32 step down.
  const crime = c.featurizer.outputs.indexOf("crime");
  const node = featureIds.findIndex(
    (feature, i) => feature === crime && new TextDecoder().decode(modes[i]) !== "LEAF",
  );
  const raw = values.rawData;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const threshold = view.getFloat64(node * 8, true);
  const bits = new DataView(new ArrayBuffer(4));
  bits.setFloat32(0, threshold);
  bits.setInt32(0, bits.getInt32(0) + (threshold > 0 ? -1 : 1));
  view.setFloat64(node * 8, bits.getFloat32(0), true);

  const report = await parityOf("regression", onnx.ModelProto.encode(model).finish());
  assert.not.ok(report.passed, "parity must fail");
  const edge = report.sets.find((set) => set.name === "edge");
  assert.ok((edge?.maxAbsDiff ?? 0) > tolerance.prediction, "the edge rows see the moved split");
  const text = formatParityReport(report);
  assert.match(text, /FAILED/);
  assert.match(text, new RegExp(`crime = \\S+ at the split crime <= ${threshold}`), text);
});

test("building the same model twice gives byte-identical ONNX", () => {
  const c = handBuiltCase("forest-classifier");
  const a = buildOnnxModel(c.featurizer, c.ensemble, { ...options, metadata: { b: "2", a: "1" } });
  const b = buildOnnxModel(c.featurizer, structuredClone(c.ensemble), {
    ...options,
    metadata: { a: "1", b: "2" },
  });
  assert.equal(Buffer.compare(Buffer.from(a), Buffer.from(b)), 0);
});

test("a featurizer and trees that do not fit together are refused with the reason", () => {
  const c = handBuiltCase("regression");
  const ensemble = { ...c.ensemble, featureNames: [...c.ensemble.featureNames].reverse() };
  assert.throws(() => buildOnnxModel(c.featurizer, ensemble, options), /the trees read \[mix, tax_per_room/);
});

test.run();
