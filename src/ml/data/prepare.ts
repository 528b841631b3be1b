// The prepare step as one function: load and validate the raw CSV, split it, profile the training part.
import type { Result } from "../errors.js";
import { ok } from "../errors.js";
import type { Dataset, SplitParams } from "../params.js";
import { loadDataset } from "./load.js";
import type { Profile } from "./profile.js";
import { buildProfile } from "./profiling.js";
import { splitRows } from "./split.js";
import { column, type Table, takeRows } from "./table.js";

export interface Prepared {
  train: Table;
  test: Table;
  profile: Profile;
}

export function prepareDataset(dataset: Dataset, split: SplitParams): Result<Prepared> {
  const loaded = loadDataset(dataset);
  if (!loaded.ok) return loaded;
  const table = loaded.value;
  const stratify = split.stratify && dataset.task === "classification";
  const { train, test } = splitRows(
    table.rows,
    split.test_size,
    split.seed,
    stratify ? column(table, dataset.target).values : undefined,
  );
  const trainTable = takeRows(table, train);
  return ok({ train: trainTable, test: takeRows(table, test), profile: buildProfile(trainTable, dataset) });
}
