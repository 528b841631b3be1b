// The package step as a function: featurizer + trees + profile + data → the ONNX model, its manifest and model card,
// after proving with onnxruntime that the ONNX model predicts what the JS model predicts. No file I/O here (the
// stage reads and writes), so tests and notebooks call it directly.

import { createHash } from "node:crypto";
import { MANIFEST_FORMAT, type Manifest, ManifestSchema } from "../artifact/manifest.js";
import type { Profile } from "../ml/data/profile.js";
import { sampleIndices } from "../ml/data/split.js";
import type { Featurizer } from "../ml/features/featurizer-spec.js";
import type { TreeEnsemble } from "../ml/models/tree-ensemble.js";
import { buildOnnxModel, incompatibilities, ML_OPSET, OPSET, TENSOR_NAMES } from "../ml/onnx/onnx-model.js";
import { createSession, runModel } from "../ml/onnx/onnx-session.js";
import { checkParity, formatParityReport, type ParityReport } from "../ml/onnx/parity.js";
import { edgeRows, inputProfiles, type RowSet, rowPool, sampleRows } from "../ml/onnx/parity-rows.js";
import { classCount } from "../ml/onnx/reference-model.js";
import { canonicalJson } from "../repro/canonical-json.js";
import { err, ok, type Result } from "../result.js";
import { classificationPredictionDrift, featureDrift, regressionPredictionDrift } from "./drift-reference.js";
import { featureSchema } from "./feature-schema.js";
import { goldenRow, pickGoldenRows } from "./golden-rows.js";
import { renderModelCard } from "./model-card.js";

export interface ParityOptions {
  /** Rows drawn inside the profile's ranges (default 10,000). */
  samples: number;
  seed: number;
  /** Regression: allowed |diff| as a fraction of the target's standard deviation (default 1e-4). */
  regressionTolerance: number;
  /** Classification: allowed |probability diff| (default 1e-5). */
  probabilityTolerance: number;
  /** At most this many splits get edge rows (two rows each). */
  edgeSplits: number;
}

export const DEFAULT_PARITY: ParityOptions = {
  samples: 10_000,
  seed: 20_240_601,
  regressionTolerance: 1e-4,
  probabilityTolerance: 1e-5,
  edgeSplits: 4000,
};

export interface PackageInputs {
  name: string;
  featurizer: Featurizer;
  ensemble: TreeEnsemble;
  profile: Profile;
  /** Raw training rows (row-major float32, in featurizer input order): the prediction drift reference (DRIFT_ROWS). */
  train: Float32Array;
  /** Raw test rows: the first parity set, and the source of typical golden rows. */
  test: Float32Array;
  /**
   * The test rows' date texts per date column (see date-inputs.ts): golden rows of a model with date inputs carry
   * the text a client sends, so they come from test rows only.
   */
  testDates?: Record<string, (string | null)[]>;
  metrics: Record<string, number>;
  gate?: { promote: boolean; reason: string };
  params: Record<string, unknown>;
  lineage: { gitRev: string; dataHash: string; inputs: Record<string, string> };
  producerVersion: string;
  parity?: Partial<ParityOptions>;
  /** data/README.md, quoted in the model card. */
  dataReadme?: string;
}

export interface PackagedModel {
  onnx: Uint8Array;
  manifest: Manifest;
  modelCard: string;
  parity: ParityReport;
}

export type PackageError =
  | { kind: "incompatible"; message: string }
  | { kind: "invalid-input"; message: string }
  | { kind: "parity-failed"; message: string; parity: ParityReport };

export type PackageResult = Result<PackagedModel, PackageError>;

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/**
 * The version: a content hash of what the model is (the ONNX graph and the manifest), leaving out what only
 * describes how this copy came about: the version itself, the file hash, the git revision, the hashes of the input
 * files, and the gate (which depends on the champion of the day). The same model always gets the same version.
 */
export function contentVersion(onnxWithoutVolatile: Uint8Array, manifest: Manifest): string {
  const { version: _version, gate: _gate, onnx, lineage, ...identity } = manifest;
  return createHash("sha256")
    .update(onnxWithoutVolatile)
    .update("\n")
    .update(
      canonicalJson({ ...identity, onnx: { ...onnx, sha256: "" }, lineage: { dataHash: lineage.dataHash } }),
    )
    .digest("hex")
    .slice(0, 12);
}

function metadata(inputs: PackageInputs, extra: Record<string, string>): Record<string, string> {
  return {
    "tabula.name": inputs.name,
    "tabula.task": inputs.ensemble.task,
    "tabula.data_hash": inputs.lineage.dataHash,
    "tabula.metrics": canonicalJson(inputs.metrics),
    "tabula.features": inputs.featurizer.inputs.map((input) => input.name).join(","),
    ...extra,
  };
}

/**
 * The training rows the prediction drift reference is computed on: every row up to DRIFT_ROWS, else a seeded sample
 * of DRIFT_ROWS of them (in row order). The reference is ten quantile bins or class shares, which a sample of that
 * size pins down, while running the model on all of a million-row training split was most of this step.
 */
export const DRIFT_ROWS = 100_000;

function driftRows(train: Float32Array, width: number, seed: number): Float32Array {
  const rows = train.length / width;
  if (rows <= DRIFT_ROWS) return train;
  const picked = sampleIndices(rows, DRIFT_ROWS, seed);
  const sample = new Float32Array(picked.length * width);
  picked.forEach((row, i) => {
    sample.set(train.subarray(row * width, (row + 1) * width), i * width);
  });
  return sample;
}

function checkInputs(inputs: PackageInputs): PackageError | undefined {
  const problems = incompatibilities(inputs.featurizer, inputs.ensemble);
  if (problems.length > 0) return { kind: "incompatible", message: problems.join("\n") };
  const width = inputs.featurizer.inputs.length;
  for (const [name, rows] of [
    ["train", inputs.train],
    ["test", inputs.test],
  ] as const)
    if (rows.length === 0 || rows.length % width !== 0)
      return {
        kind: "invalid-input",
        message: `${name} rows: ${rows.length} values is not a non-empty multiple of ${width} features`,
      };
  try {
    inputProfiles(inputs.featurizer, inputs.profile);
  } catch (error) {
    return { kind: "invalid-input", message: (error as Error).message };
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(inputs.name))
    return {
      kind: "invalid-input",
      message: `model name "${inputs.name}": use lower-case letters, digits, ".", "_" and "-"`,
    };
  return undefined;
}

export async function packageModel(inputs: PackageInputs): Promise<PackageResult> {
  const invalid = checkInputs(inputs);
  if (invalid) return err(invalid);
  const { featurizer, ensemble, profile } = inputs;
  const options = { ...DEFAULT_PARITY, ...inputs.parity };
  const width = featurizer.inputs.length;
  const docString = `${inputs.name}: ${ensemble.task} on ${width} raw features (${featurizer.inputs
    .map((input) => input.name)
    .join(
      ", ",
    )}), featurizer and ${ensemble.modelType} trees in one graph. Produced by tabula's package stage.`;
  const onnxOptions = (extra: Record<string, string>) => ({
    name: inputs.name,
    producerVersion: inputs.producerVersion,
    docString,
    metadata: metadata(inputs, extra),
  });
  const stable = buildOnnxModel(featurizer, ensemble, onnxOptions({}));

  const session = await createSession(stable);
  try {
    const test: RowSet = { name: "test", raw: inputs.test, rows: inputs.test.length / width };
    const sampled = sampleRows(featurizer, profile, options.samples, options.seed);
    const edge = edgeRows(
      featurizer,
      ensemble,
      profile,
      rowPool([test, sampled], width, 2000),
      options.edgeSplits,
    );
    const targetStd = profile.target.std ?? 1;
    const parity = await checkParity(session, featurizer, ensemble, [test, sampled, edge], {
      prediction: options.regressionTolerance * targetStd,
      probability: options.probabilityTolerance,
    });
    if (!parity.passed) return err({ kind: "parity-failed", message: formatParityReport(parity), parity });

    const classes = classCount(ensemble);
    const hasDates = featurizer.inputs.some((input) => input.date);
    const golden = pickGoldenRows(test, hasDates ? undefined : edge).map(({ set, row }) => ({
      raw: set.raw.slice(row * width, (row + 1) * width),
      row,
    }));
    const goldenRaw = new Float32Array(golden.length * width);
    golden.forEach(({ raw }, i) => {
      goldenRaw.set(raw, i * width);
    });
    const goldenOutputs = await runModel(session, goldenRaw, width);
    const trainOutputs = await runModel(session, driftRows(inputs.train, width, options.seed), width);

    const draft: Manifest = {
      format: MANIFEST_FORMAT,
      name: inputs.name,
      version: "",
      task: ensemble.task,
      onnx: {
        file: "model.onnx",
        sha256: "",
        input: { name: TENSOR_NAMES.input, dtype: "float32", shape: [-1, width] },
        outputs:
          ensemble.task === "regression"
            ? { prediction: TENSOR_NAMES.prediction }
            : { label: TENSOR_NAMES.label, probabilities: TENSOR_NAMES.probabilities },
      },
      features: featureSchema(featurizer, profile),
      target: {
        name: profile.target.name,
        ...(ensemble.classes ? { classes: ensemble.classes } : {}),
        ...(ensemble.task === "regression" && profile.target.mean !== undefined
          ? { mean: profile.target.mean }
          : {}),
        ...(ensemble.task === "regression" && profile.target.std !== undefined
          ? { std: profile.target.std }
          : {}),
      },
      model: { type: ensemble.modelType, params: inputs.params, trees: ensemble.trees.length },
      metrics: inputs.metrics,
      testRows: test.rows,
      ...(inputs.gate ? { gate: inputs.gate } : {}),
      lineage: { gitRev: "", dataHash: inputs.lineage.dataHash, inputs: inputs.lineage.inputs },
      drift: {
        features: featureDrift(featurizer, profile),
        prediction:
          ensemble.task === "regression"
            ? regressionPredictionDrift(trainOutputs.prediction as Float32Array)
            : classificationPredictionDrift(trainOutputs.labels ?? [], ensemble.classes ?? []),
      },
      golden: golden.map(({ row }, i) =>
        goldenRow(
          featurizer,
          goldenRaw,
          goldenOutputs,
          i,
          classes,
          (name) => inputs.testDates?.[name]?.[row] ?? null,
        ),
      ),
    };
    const version = contentVersion(stable, draft);
    const onnx = buildOnnxModel(
      featurizer,
      ensemble,
      onnxOptions({ "tabula.version": version, "tabula.git_rev": inputs.lineage.gitRev }),
    );
    const manifest = ManifestSchema.parse({
      ...draft,
      version,
      onnx: { ...draft.onnx, sha256: sha256(onnx) },
      lineage: { ...draft.lineage, gitRev: inputs.lineage.gitRev },
    });
    const modelCard = renderModelCard(manifest, {
      parity,
      ...(inputs.dataReadme !== undefined ? { dataReadme: inputs.dataReadme } : {}),
    });
    return ok({ onnx, manifest, modelCard, parity });
  } finally {
    await session.release();
  }
}

/** metrics/package.json: the parity figures and what was packaged. */
export function packageMetrics(packaged: PackagedModel): Record<string, unknown> {
  const { parity, manifest } = packaged;
  return {
    version: manifest.version,
    onnx_bytes: packaged.onnx.length,
    opsets: { "ai.onnx": OPSET, "ai.onnx.ml": ML_OPSET },
    parity: {
      passed: parity.passed,
      rows: parity.rows,
      max_abs_diff: parity.maxAbsDiff,
      label_mismatches: parity.labelMismatches,
      tolerance: parity.task === "regression" ? parity.tolerance.prediction : parity.tolerance.probability,
      sets: Object.fromEntries(
        parity.sets.map((set) => [
          set.name,
          { rows: set.rows, max_abs_diff: set.maxAbsDiff, label_mismatches: set.labelMismatches },
        ]),
      ),
    },
    golden_rows: manifest.golden.length,
  };
}
