// Loading a dataset: the raw CSV named in params (validated against the declared schema), or a prepared split
// (typed by the profile that prepare wrote next to it).
import { fail, ok, type Result } from "../errors.js";
import type { Dataset } from "../params.js";
import { readCsvText } from "./csv.js";
import type { Profile } from "./profile.js";
import type { Table } from "./table.js";
import { type ColumnSpec, columnSpecs, datasetColumns, validateTable } from "./validate.js";

/** Reads and validates `dataset.path`, without the dropped columns. */
export function loadDataset(dataset: Dataset): Result<Table> {
  const text = readCsvText(dataset.path);
  if (!text.ok) return text;
  if (text.value.rows === 0) return fail({ kind: "data", file: dataset.path, message: "has no data rows" });
  const names = datasetColumns(text.value, dataset);
  if (!names.ok) return names;
  return validateTable(text.value, columnSpecs(dataset, names.value), dataset.missing);
}

/** Reads a split written by prepare; its columns must be the profile's features and target. */
export function loadPrepared(path: string, profile: Profile): Result<Table> {
  const text = readCsvText(path);
  if (!text.ok) return text;
  const specs = new Map<string, ColumnSpec>();
  for (const col of [...profile.features, profile.target]) {
    if (!text.value.header.includes(col.name))
      return fail({
        kind: "data",
        file: path,
        column: col.name,
        message: "is in the profile but not in the file",
      });
    specs.set(col.name, {
      dtype: col.dtype,
      categorical: col.kind === "categorical",
      check: { nullable: col !== profile.target },
    });
  }
  const table = validateTable(text.value, specs, []);
  return table.ok ? ok(table.value) : table;
}
