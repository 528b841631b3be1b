// Loading a dataset: the raw CSV named in params (validated against the declared schema), or a prepared split
// (typed by the profile that prepare wrote next to it).
import { err, ok, type Result } from "../errors.js";
import type { Dataset } from "../params.js";
import type { ParamsFile } from "../params-file.js";
import { readCsvText } from "./csv.js";
import type { Profile } from "./profile.js";
import type { Column, Table } from "./table.js";
import { readTypedCsv } from "./typed-csv.js";
import { type ColumnSpec, columnSpecs, datasetColumns, rowsWithValue, validateTable } from "./validate.js";

export interface LoadedDataset {
  table: Table;
  /**
   * The same rows with the dropped columns too, as their raw text (missing tokens as null): what the expectations
   * suite checks, so an id column the model never reads can still be held unique.
   */
  checked: Table;
  /** Rows left out because their target was missing (dataset.missing_target: drop). */
  droppedMissingTarget: number;
}

/** Reads and validates `dataset.path`, without the dropped columns. */
export function loadDataset(dataset: Dataset, params?: ParamsFile): Result<Table> {
  const loaded = loadDatasetRows(dataset, params);
  return loaded.ok ? ok(loaded.value.table) : loaded;
}

/**
 * Reads and validates `dataset.path`, without the dropped columns and, with missing_target: drop, without the rows
 * whose target is missing. With `params`, a column name that is not in the file is reported at its params.yaml line.
 */
export function loadDatasetRows(dataset: Dataset, params?: ParamsFile): Result<LoadedDataset> {
  const read = readCsvText(dataset.path);
  if (!read.ok) return read;
  if (read.value.rows === 0) return err({ kind: "data", file: dataset.path, message: "has no data rows" });
  const names = datasetColumns(read.value, dataset, params);
  if (!names.ok) return names;
  const { text, dropped } =
    dataset.missing_target === "drop"
      ? rowsWithValue(read.value, dataset.target, dataset.missing)
      : { text: read.value, dropped: 0 };
  if (text.rows === 0)
    return err({
      kind: "data",
      file: dataset.path,
      column: dataset.target,
      message: "every target value is missing",
    });
  const table = validateTable(text, columnSpecs(dataset, names.value), dataset.missing);
  if (!table.ok) return table;
  const droppedColumns = dataset.drop.flatMap((name): Column[] => {
    if (!text.header.includes(name)) return [];
    const cells = text.cells(name);
    const values = cells.map((cell) => (cell === null || dataset.missing.includes(cell) ? null : cell));
    return [{ name, dtype: "string", values }];
  });
  return ok({
    table: table.value,
    checked: { rows: table.value.rows, columns: [...table.value.columns, ...droppedColumns] },
    droppedMissingTarget: dropped,
  });
}

/** Reads a split written by prepare; its columns must be the profile's features and target. */
export function loadPrepared(path: string, profile: Profile): Result<Table> {
  const specs = new Map<string, ColumnSpec>();
  for (const col of [...profile.features, profile.target]) {
    const date = col.kind === "date" ? { type: "date" as const, format: col.format } : {};
    specs.set(col.name, {
      dtype: col.dtype,
      categorical: col.kind === "categorical",
      check: { nullable: col !== profile.target, ...date },
    });
  }
  const typed = readTypedCsv(path, specs);
  if (typed) return ok(typed);
  // Not as prepare writes it: read cell by cell, which names the first problem.
  const text = readCsvText(path);
  if (!text.ok) return text;
  const absent = [...specs.keys()].find((name) => !text.value.header.includes(name));
  if (absent !== undefined)
    return err({
      kind: "data",
      file: path,
      column: absent,
      message: "is in the profile but not in the file",
    });
  const table = validateTable(text.value, specs, []);
  return table.ok ? ok(table.value) : table;
}
