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

/** `datasetPath` (a notebook parameter) reads another file of the configured dataset's schema. */
export function readRawData(paramsPath = "params.yaml", datasetPath = ""): RawData {
  const params = unwrap(MlParams.read(paramsPath));
  const configured = unwrap(params.dataset());
  const dataset = datasetPath === "" ? configured : { ...configured, path: datasetPath };
  const table = unwrap(loadDataset(dataset));
  const features = table.columns.map((col) => col.name).filter((name) => name !== dataset.target);
  return { dataset, table, features };
}
