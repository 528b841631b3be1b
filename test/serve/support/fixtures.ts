// The model packages the serve tests load: a regression model on 13 numeric features and a classification model
// with a string categorical and a nullable feature, written into a temporary directory.
import { join } from "node:path";
import type { Manifest } from "../../../src/artifact/manifest.js";
import { classificationSpec, regressionSpec, writeHandBuiltPackage } from "./hand-built-model.js";

export interface FixturePackage {
  dir: string;
  manifest: Manifest;
}

export function writeRegressionPackage(dir: string, seed = 7): FixturePackage {
  return { dir, manifest: writeHandBuiltPackage(dir, regressionSpec({ seed })) };
}

export function writeClassificationPackage(dir: string, seed = 11): FixturePackage {
  return { dir, manifest: writeHandBuiltPackage(dir, classificationSpec({ seed })) };
}

export function writeFixtures(root: string): { regression: FixturePackage; classification: FixturePackage } {
  return {
    regression: writeRegressionPackage(join(root, "regression")),
    classification: writeClassificationPackage(join(root, "classification")),
  };
}
