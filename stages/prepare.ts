// prepare: raw CSV (dataset.*) → validated, split train/test CSVs and the training data profile.
import { writeCsv } from "../src/ml/data/csv.js";
import { prepareDataset } from "../src/ml/data/prepare.js";
import { unwrap } from "../src/ml/errors.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";

export function prepareStage(): string {
  const params = unwrap(MlParams.read());
  const dataset = unwrap(params.dataset());
  const prepared = unwrap(prepareDataset(dataset, unwrap(params.split()), params.file));
  writeCsv(PATHS.train, prepared.train);
  writeCsv(PATHS.test, prepared.test);
  writeJsonAtomic(PATHS.profile, prepared.profile);
  const { train, test, profile } = prepared;
  const dropped =
    dataset.missing_target === "drop"
      ? `, ${prepared.droppedMissingTarget} dropped for a missing target (dataset.missing_target: drop)`
      : "";
  return `${train.rows + test.rows} rows of ${dataset.path}${dropped} → ${train.rows} train, ${test.rows} test; ${profile.features.length} features`;
}

await runStageIfMain(import.meta.url, "prepare", prepareStage);
