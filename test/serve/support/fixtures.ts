// The model packages the serve tests load, built by the package stage's own code (src/package/package-model.ts,
// parity check included) from hand-built featurizers and tree ensembles: a regression model (nullable and integer
// features, an integer categorical) and a binary classifier with a string categorical, written into a directory
// exactly as `npm run repro` writes package/.
import { join } from "node:path";
import type { Manifest } from "../../../src/artifact/manifest.js";
import { writePackage } from "../../../src/package/write-package.js";
import { packagedHandBuilt } from "../../package/packaged.js";

export interface FixturePackage {
  dir: string;
  manifest: Manifest;
}

/** The regression model "houses"; another seed gives another version of it. */
export async function buildRegressionPackage(dir: string, seed = 11): Promise<FixturePackage> {
  const packaged = await packagedHandBuilt("regression", { seed });
  writePackage(dir, packaged);
  return { dir, manifest: packaged.manifest };
}

/** The binary classifier "kinds" (labels "no" and "yes"; `color` is a string categorical, `x` nullable). */
export async function buildClassificationPackage(dir: string, seed = 11): Promise<FixturePackage> {
  const packaged = await packagedHandBuilt("binary", { seed });
  writePackage(dir, packaged);
  return { dir, manifest: packaged.manifest };
}

/** Both models, under `dir`/regression and `dir`/classification. */
export function buildBothPackages(dir: string): Promise<[FixturePackage, FixturePackage]> {
  return Promise.all([
    buildRegressionPackage(join(dir, "regression")),
    buildClassificationPackage(join(dir, "classification")),
  ]);
}
