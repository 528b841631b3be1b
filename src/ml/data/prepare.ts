// The prepare step as one function: load and validate the raw CSV, split it, profile the training part.
import type { Result } from "../errors.js";
import { ok } from "../errors.js";
import type { Dataset, SplitParams } from "../params.js";
import type { ParamsFile } from "../params-file.js";
import { loadDatasetRows } from "./load.js";
import type { Profile } from "./profile.js";
import { buildProfile } from "./profiling.js";
import { splitRows } from "./split.js";
import { column, type Table, takeRows } from "./table.js";

export interface Prepared {
  /** Every loaded row, before the split. */
  all: Table;
  /** Every loaded row with the dropped columns as raw text: what the expectations suite checks. */
  checked: Table;
  train: Table;
  test: Table;
  profile: Profile;
  /** Rows left out for a missing target (dataset.missing_target: drop). */
  droppedMissingTarget: number;
}

/** With `params`, a column name that is not in the CSV is reported at its params.yaml line. */
export function prepareDataset(dataset: Dataset, split: SplitParams, params?: ParamsFile): Result<Prepared> {
  const loaded = loadDatasetRows(dataset, params);
  if (!loaded.ok) return loaded;
  const { table, checked, droppedMissingTarget } = loaded.value;
  const stratify = split.stratify && dataset.task === "classification";
  const { train, test } = splitRows(
    table.rows,
    split.test_size,
    split.seed,
    stratify ? column(table, dataset.target).values : undefined,
  );
  const trainTable = takeRows(table, train);
  const profile = buildProfile(trainTable, dataset);
  return ok({
    all: table,
    checked,
    train: trainTable,
    test: takeRows(table, test),
    profile: dataset.missing_target === "drop" ? { ...profile, droppedMissingTarget } : profile,
    droppedMissingTarget,
  });
}
