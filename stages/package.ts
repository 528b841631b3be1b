// package: featurizer + trees → package/{model.onnx, manifest.json, model-card.md}, after the parity check
// (onnxruntime against the JS model) passes; its figures → metrics/package.json.
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { z } from "zod";
import { loadPrepared } from "../src/ml/data/load.js";
import { ProfileSchema } from "../src/ml/data/profile.js";
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { EvaluationSchema } from "../src/ml/evaluation.js";
import { dateTexts, profileWithDateInputs } from "../src/ml/features/date-inputs.js";
import { FeaturizerSchema } from "../src/ml/features/featurizer-spec.js";
import { rawMatrix } from "../src/ml/features/training-set.js";
import { readJson, writeJsonAtomic } from "../src/ml/io.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { readTreeEnsemble } from "../src/ml/read-trees.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { TuneSummarySchema } from "../src/ml/tune/summary.js";
import { DEFAULT_PARITY, packageMetrics, packageModel } from "../src/package/package-model.js";
import { declaredDeps, sourceRevision } from "../src/package/source-revision.js";
import { writePackage } from "../src/package/write-package.js";

const PACKAGE_DIR = "package";
const PACKAGE_METRICS = "metrics/package.json";
const DATA_README = "data/README.md";

const PackageParamsSchema = z
  .object({
    parity: z
      .object({
        samples: z.number().int().min(0).default(DEFAULT_PARITY.samples),
        seed: z.number().int().default(DEFAULT_PARITY.seed),
        /** Regression: allowed |onnx - js| as a fraction of the target's standard deviation. */
        regression_tolerance: z.number().positive().default(DEFAULT_PARITY.regressionTolerance),
        probability_tolerance: z.number().positive().default(DEFAULT_PARITY.probabilityTolerance),
        /** At most this many splits get edge rows (two each). */
        edge_splits: z.number().int().min(0).default(DEFAULT_PARITY.edgeSplits),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const digests = new Map<string, string>();

/** A file's sha256, read in 2 MiB chunks (a large dataset is never one Buffer), once per path. */
function sha256(path: string): string {
  let digest = digests.get(path);
  if (digest === undefined) {
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(2 << 20);
    const fd = openSync(path, "r");
    try {
      for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
        hash.update(buffer.subarray(0, read));
    } finally {
      closeSync(fd);
    }
    digest = hash.digest("hex");
    digests.set(path, digest);
  }
  return digest;
}

export async function packageStage(): Promise<string> {
  const params = unwrap(MlParams.read());
  const dataset = unwrap(params.dataset());
  const registry = unwrap(params.registry());
  const settings = unwrap(params.file.section(["package"], PackageParamsSchema));
  const profile = unwrap(readJson(PATHS.profile, ProfileSchema));
  const featurizer = unwrap(readJson(PATHS.featurizer, FeaturizerSchema));
  const ensemble = unwrap(readTreeEnsemble(PATHS.model));
  const evaluation = unwrap(readJson(PATHS.evaluate, EvaluationSchema));
  const tuned = unwrap(readJson(PATHS.tune, TuneSummarySchema)).params;
  const train = unwrap(loadPrepared(PATHS.train, profile));
  const test = unwrap(loadPrepared(PATHS.test, profile));

  const inputs = [
    dataset.path,
    PATHS.train,
    PATHS.test,
    PATHS.profile,
    PATHS.featurizer,
    PATHS.model,
    PATHS.evaluate,
  ];
  if (existsSync(PATHS.tune)) inputs.push(PATHS.tune);
  const producer = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  const result = await packageModel({
    name: registry.name,
    featurizer,
    ensemble,
    profile: profileWithDateInputs(profile, featurizer, train),
    train: rawMatrix(train, featurizer.inputs),
    test: rawMatrix(test, featurizer.inputs),
    testDates: dateTexts(test, featurizer),
    metrics: evaluation.metrics,
    gate: { promote: evaluation.promote, reason: evaluation.reason },
    params: tuned,
    lineage: {
      gitRev: sourceRevision(declaredDeps()),
      dataHash: sha256(dataset.path),
      inputs: Object.fromEntries(inputs.map((path) => [path, sha256(path)])),
    },
    producerVersion: producer.version,
    parity: {
      samples: settings.parity.samples,
      seed: settings.parity.seed,
      regressionTolerance: settings.parity.regression_tolerance,
      probabilityTolerance: settings.parity.probability_tolerance,
      edgeSplits: settings.parity.edge_splits,
    },
    ...(existsSync(DATA_README) ? { dataReadme: readFileSync(DATA_README, "utf8") } : {}),
  });
  if (!result.ok)
    throw new MlFailure({ kind: "package", reason: result.error.kind, message: result.error.message });

  writePackage(PACKAGE_DIR, result.value);
  writeJsonAtomic(PACKAGE_METRICS, packageMetrics(result.value));
  const { manifest, parity } = result.value;
  return `${manifest.name} ${manifest.version}: ${result.value.onnx.length} bytes of ONNX; parity on ${parity.rows} rows, max |diff| ${parity.maxAbsDiff.toExponential(2)}${
    manifest.task === "classification" ? `, ${parity.labelMismatches} label mismatches` : ""
  }; ${manifest.golden.length} golden rows`;
}

await runStageIfMain(import.meta.url, "package", packageStage);
