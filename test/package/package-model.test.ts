import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManifestSchema } from "../../src/artifact/manifest.js";
import { DRIFT_ROWS, packageMetrics, packageModel } from "../../src/package/package-model.js";
import { packageFiles } from "../../src/package/write-package.js";
import { handBuiltInputs, packagedHandBuilt } from "./packaged.js";

test("regression: manifest with schema, drift reference and golden rows; parity figures", async () => {
  const packaged = await packagedHandBuilt("regression");
  const manifest = ManifestSchema.parse(JSON.parse(packageFiles(packaged)["manifest.json"] as string));
  assert.match(manifest.version, /^[0-9a-f]{12}$/);
  assert.equal(manifest.onnx.input, { name: "features", dtype: "float32", shape: [-1, 5] });
  assert.equal(manifest.onnx.outputs, { prediction: "prediction" });
  assert.equal(
    manifest.features.map((f) => [f.name, f.kind, f.nullable]),
    [
      ["rooms", "numeric", true],
      ["crime", "numeric", false],
      ["age", "numeric", false],
      ["zone", "categorical", false],
      ["tax", "numeric", true],
    ],
  );
  assert.equal(manifest.features[3]?.categories, [1, 2, 4]);
  assert.ok((manifest.features[0]?.min ?? 0) < (manifest.features[0]?.max ?? 0));
  assert.equal(Object.keys(manifest.drift.features).sort(), ["age", "crime", "rooms", "tax", "zone"]);
  assert.is(manifest.drift.features.zone?.proportions.length, 4, "three categories and the unseen bin");
  const prediction = manifest.drift.prediction;
  assert.is(prediction.proportions.length, (prediction.edges?.length ?? 0) + 1);
  assert.ok(Math.abs(prediction.proportions.reduce((s, p) => s + p, 0) - 1) < 1e-9);
  assert.ok(manifest.golden.length >= 6, `golden rows: ${manifest.golden.length}`);
  assert.ok(
    manifest.golden.some((row) => row.features.rooms === null),
    "a golden row with a missing value",
  );
  assert.is(manifest.testRows, 100);
  assert.equal(manifest.gate, { promote: true, reason: "first model" });
  const metrics = packageMetrics(packaged) as {
    parity: { passed: boolean; rows: number; sets: Record<string, unknown> };
  };
  assert.ok(metrics.parity.passed);
  assert.equal(Object.keys(metrics.parity.sets), ["test", "sampled", "edge"]);
});

test("prediction drift on every training row up to DRIFT_ROWS, above it on a seeded sample of DRIFT_ROWS", async () => {
  const small = handBuiltInputs("regression");
  const width = small.featurizer.inputs.length;
  const predictionDrift = async (train: Float32Array) => {
    const packaged = await packagedHandBuilt("regression", { train });
    return ManifestSchema.parse(JSON.parse(packageFiles(packaged)["manifest.json"] as string)).drift
      .prediction;
  };
  assert.is((await predictionDrift(small.train)).rows, small.train.length / width);
  // The hand-built rows repeated past DRIFT_ROWS, each copy shifted so that rows differ.
  const copies = Math.ceil((DRIFT_ROWS + 1) / (small.train.length / width));
  const large = new Float32Array(copies * small.train.length);
  for (let c = 0; c < copies; c++)
    large.set(
      small.train.map((value, i) =>
        i % width === 0 && !Number.isNaN(value) ? value + (c % 7) * 0.1 : value,
      ),
      c * small.train.length,
    );
  const first = await predictionDrift(large);
  assert.is(first.rows, DRIFT_ROWS);
  assert.equal(await predictionDrift(large), first, "the same seeded sample each time");
});

test("classification: string labels and probabilities in golden rows, predicted-class drift", async () => {
  const packaged = await packagedHandBuilt("binary");
  const { manifest } = packaged;
  assert.equal(manifest.onnx.outputs, { label: "label", probabilities: "probabilities" });
  assert.equal(manifest.target.classes, ["no", "yes"]);
  assert.is(manifest.features[0]?.nullable, false, "color is fed raw to the trees as well as one-hot");
  assert.is(manifest.features[1]?.nullable, true, "x is imputed");
  const golden = manifest.golden[0]?.expected as { label: string; probabilities: number[] };
  assert.ok(["no", "yes"].includes(golden.label));
  assert.is(golden.probabilities.length, 2);
  assert.equal(manifest.drift.prediction.categories, ["no", "yes"]);
  assert.ok(
    manifest.golden.some((row) => row.features.color === "<unseen>"),
    "an unseen category golden row",
  );
});

test("same inputs → byte-identical artifact; the git revision changes the files but not the version", async () => {
  const a = packageFiles(await packagedHandBuilt("multiclass"));
  const b = packageFiles(await packagedHandBuilt("multiclass"));
  for (const file of Object.keys(a))
    assert.equal(Buffer.from(a[file] as string), Buffer.from(b[file] as string), file);
  const moved = await packagedHandBuilt("multiclass", {
    lineage: { ...handBuiltInputs("multiclass").lineage, gitRev: "fedcba9" },
  });
  const original = JSON.parse(a["manifest.json"] as string);
  assert.is(moved.manifest.version, original.version);
  const refused = await packagedHandBuilt("multiclass", { gate: { promote: false, reason: "not better" } });
  assert.is(
    refused.manifest.version,
    original.version,
    "the gate is a decision about the model, not part of it",
  );
  assert.is.not(moved.manifest.onnx.sha256, original.onnx.sha256, "the git revision is in the ONNX metadata");
  const retrained = await packagedHandBuilt("multiclass", { seed: 99 });
  assert.is.not(retrained.manifest.version, original.version, "other trees, another version");
});

test("trees that do not read the featurizer's outputs: an error value naming the mismatch", async () => {
  const inputs = handBuiltInputs("regression");
  const result = await packageModel({
    ...inputs,
    ensemble: { ...inputs.ensemble, featureNames: ["a", "b"] },
  });
  assert.not.ok(result.ok);
  if (!result.ok) {
    assert.is(result.error.kind, "incompatible");
    assert.match(result.error.message, /the trees read \[a, b\]/);
  }
});

test("the model card is generated from the manifest", async () => {
  const packaged = await packagedHandBuilt("regression");
  const card = packaged.modelCard;
  assert.match(card, new RegExp(`^# Model card: houses ${packaged.manifest.version}`));
  assert.match(card, /## Intended use/);
  assert.match(card, /On the test set \(100 rows/);
  assert.match(card, /\| rmse \| 3\.1 \|/);
  assert.match(card, /\| `rooms` \| numeric \| float \| [\d.]+ … [\d.]+ \| yes \(imputed\) \|/);
  assert.match(card, /\| `zone` \| categorical \| integer \| 1, 2, 4 \| no \|/);
  assert.match(card, /## Limitations/);
  assert.match(card, /must be present .*`crime`/);
  assert.match(card, /## Data and provenance\n\n### Data\n\nHand-built rows for tests\./);
  assert.match(card, /## ONNX parity/);
});

test.run();
