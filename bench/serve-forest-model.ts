// For bench:serve: the model the anchor serves, built our way. The anchor is scikit-learn's RandomForestRegressor
// with its defaults (100 fully grown trees); the project's `forest` model type has the same defaults. Trained on the
// pipeline's prepared training split and packaged by the package stage's own code, so the server runs exactly what it
// would run in production, and the comparison with the anchor is tree for tree.
import type { Manifest } from "../src/artifact/manifest.js";
import { loadPrepared } from "../src/ml/data/load.js";
import { unwrap } from "../src/ml/errors.js";
import { rawMatrix } from "../src/ml/features/training-set.js";
import { forest } from "../src/ml/models/forest.js";
import { PATHS } from "../src/ml/paths.js";
import { loadFeaturizedSplit } from "../src/ml/stage-inputs.js";
import { packageModel } from "../src/package/package-model.js";
import { writePackage } from "../src/package/write-package.js";

export async function writeForestPackage(dir: string): Promise<Manifest> {
  const { profile, featurizer, data } = unwrap(loadFeaturizedSplit("train", "regression"));
  const ensemble = await forest.fit(data, forest.params.parse({}), { seed: 42, threads: 2 });
  const raw = (path: string) => rawMatrix(unwrap(loadPrepared(path, profile)), featurizer.inputs);
  const result = await packageModel({
    name: "boston-forest",
    featurizer,
    ensemble,
    profile,
    train: raw(PATHS.train),
    test: raw(PATHS.test),
    metrics: {},
    params: { n_estimators: 100 },
    lineage: { gitRev: "bench", dataHash: "bench", inputs: {} },
    producerVersion: "bench",
    parity: { samples: 2000 },
  });
  if (!result.ok) throw new Error(`packaging the forest failed: ${result.error.message}`);
  writePackage(dir, result.value);
  return result.value.manifest;
}
