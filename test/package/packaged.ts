// Packages hand-built models (see test/ml/onnx/hand-built.ts) the way the package stage does, for the package and
// registry tests.
import type { PackageInputs } from "../../src/package/package-model.js";
import { packageModel } from "../../src/package/package-model.js";
import { handBuiltCase } from "../ml/onnx/hand-built.js";

export function handBuiltInputs(
  kind: Parameters<typeof handBuiltCase>[0],
  overrides: Partial<PackageInputs> & { seed?: number } = {},
): PackageInputs {
  const { seed, ...rest } = overrides;
  const c = handBuiltCase(kind, { trees: 8, depth: 4, ...(seed !== undefined ? { seed } : {}) });
  return {
    name: kind === "regression" ? "houses" : "kinds",
    featurizer: c.featurizer,
    ensemble: c.ensemble,
    profile: c.profile,
    train: c.train,
    test: c.test,
    metrics: kind === "regression" ? { rmse: 3.1, mae: 2.2, r2: 0.87 } : { accuracy: 0.91, log_loss: 0.27 },
    gate: { promote: true, reason: "first model" },
    params: { trees: 8, depth: 4 },
    lineage: {
      gitRev: "0123abc",
      dataHash: "d4t4",
      inputs: { "data/model/trees.json": "aa", "data/features/featurizer.json": "bb" },
    },
    producerVersion: "test",
    parity: { samples: 2000 },
    dataReadme: "# Data\n\nHand-built rows for tests.\n",
    ...rest,
  };
}

export async function packagedHandBuilt(
  kind: Parameters<typeof handBuiltCase>[0],
  overrides: Parameters<typeof handBuiltInputs>[1] = {},
) {
  const result = await packageModel(handBuiltInputs(kind, overrides));
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.value;
}
