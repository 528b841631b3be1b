// prepare: raw CSV (dataset.*) → the expectations suite's checks, then validated, split train/test CSVs and the
// training data profile.
import { existsSync } from "node:fs";
import { writeFileAtomic } from "../src/fs/atomic-write.js";
import { writeCsv } from "../src/ml/data/csv.js";
import { checkSuite } from "../src/ml/data/expectations/check-suite.js";
import {
  dataChecksMetrics,
  dataChecksPage,
  describeResult,
} from "../src/ml/data/expectations/checks-report.js";
import type { Suite } from "../src/ml/data/expectations/suite-schema.js";
import { prepareDataset } from "../src/ml/data/prepare.js";
import { type Profile, ProfileSchema } from "../src/ml/data/profile.js";
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { readJson, writeJsonAtomic } from "../src/ml/io.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";

/** The last accepted training profile (drift expectations compare against it); none on a first run. */
function acceptedProfile(suite: Suite): Profile | undefined {
  const drift = suite.find((expectation) => "drift" in expectation);
  const path = (drift && "drift" in drift ? drift.drift.reference : undefined) ?? PATHS.profile;
  if (!existsSync(path)) return undefined;
  return unwrap(readJson(path, ProfileSchema));
}

export function prepareStage(): string {
  const params = unwrap(MlParams.read());
  const dataset = unwrap(params.dataset());
  const suite = unwrap(params.expectations());
  const prepared = unwrap(prepareDataset(dataset, unwrap(params.split()), params.file));
  const checks = checkSuite(suite, prepared.checked, acceptedProfile(suite));
  // Written before the verdict, so a direct run leaves the page to read; under the engine a failed stage's outputs
  // are rolled back (its journal), which keeps the lock and the outputs consistent.
  writeJsonAtomic(PATHS.dataChecks, dataChecksMetrics(checks));
  writeFileAtomic(PATHS.dataChecksPage, dataChecksPage(checks, dataset.path));
  for (const result of checks.results.filter((r) => r.status === "warn"))
    console.warn(`prepare: warning: ${describeResult(result)}`);
  const failed = checks.results.filter((r) => r.status === "fail");
  if (failed.length > 0)
    throw new MlFailure({
      kind: "data",
      file: dataset.path,
      message: `${failed.length} of ${checks.results.length} expectations failed (params.yaml expectations):\n${failed.map((r) => `  - ${describeResult(r)}`).join("\n")}`,
    });
  writeCsv(PATHS.train, prepared.train);
  writeCsv(PATHS.test, prepared.test);
  writeJsonAtomic(PATHS.profile, prepared.profile);
  const { train, test, profile } = prepared;
  const dropped =
    dataset.missing_target === "drop"
      ? `, ${prepared.droppedMissingTarget} dropped for a missing target (dataset.missing_target: drop)`
      : "";
  const checked =
    checks.results.length === 0 ? "" : `; checks: ${checks.passed} passed, ${checks.warned} warned`;
  return `${train.rows + test.rows} rows of ${dataset.path}${dropped} → ${train.rows} train, ${test.rows} test; ${profile.features.length} features${checked}`;
}

await runStageIfMain(import.meta.url, "prepare", prepareStage);
