// The dataset params.yaml configures, read and validated exactly as the prepare stage reads it. Errors are thrown
// with the message the stage would print, which is what a notebook cell should show.
import { loadDataset } from "../ml/data/load.js";
import type { Table } from "../ml/data/table.js";
import { unwrap } from "../ml/errors.js";
import { type Dataset, MlParams } from "../ml/params.js";

export interface RawData {
  dataset: Dataset;
  table: Table;
  /** The feature columns (every kept column but the target), in file order. */
  features: string[];
}

export function readRawData(paramsPath = "params.yaml"): RawData {
  const params = unwrap(MlParams.read(paramsPath));
  const dataset = unwrap(params.dataset());
  const table = unwrap(loadDataset(dataset));
  const features = table.columns.map((col) => col.name).filter((name) => name !== dataset.target);
  return { dataset, table, features };
}
