// Turns CSV text into a typed Table, checking the schema declared in params.yaml: every declared column exists,
// types (declared or inferred), missing values, min/max and allowed values. The first violation is returned as an
// error naming the column, the 1-based data row and the file line.
import { dateProblem, parseDate } from "../../artifact/date-features.js";
import { err, type MlError, ok, type Result } from "../errors.js";
import type { ColumnCheck, Dataset } from "../params.js";
import { type KeyPath, keyName, type ParamsFile, suggestion } from "../params-file.js";
import type { TextTable } from "./csv.js";
import type { Column, Dtype, Table } from "./table.js";

/** What validation needs to know about each column. */
export interface ColumnSpec {
  dtype?: Dtype;
  categorical: boolean;
  check: ColumnCheck;
  /** What to do about a missing value, when it is not "declare the column nullable". */
  missingHint?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * The columns the dataset keeps (target included), in file order, after checking the params name real columns.
 * With `params`, a name that is not a column is reported at its params.yaml line.
 */
export function datasetColumns(text: TextTable, dataset: Dataset, params?: ParamsFile): Result<string[]> {
  const named: [string, KeyPath][] = [
    [dataset.target, ["dataset", "target"]],
    ...dataset.drop.map((name, i): [string, KeyPath] => [name, ["dataset", "drop", i]]),
    ...dataset.categorical.map((name, i): [string, KeyPath] => [name, ["dataset", "categorical", i]]),
    ...Object.keys(dataset.columns).map((name): [string, KeyPath] => [name, ["dataset", "columns", name]]),
  ];
  for (const [name, path] of named) {
    if (text.header.includes(name)) continue;
    const message = `"${name}" is not a column of ${text.file}${closeMatch(name, text.header)}; its columns: ${listColumns(text.header)}`;
    if (params) return err(params.error(path, message));
    return err({
      kind: "data",
      file: text.file,
      column: name,
      message: `named in ${keyName(path)}: ${message}`,
    });
  }
  return ok(text.header.filter((name) => !dataset.drop.includes(name)));
}

/** A header name equal to `name` but for case, spaces, '_' and '-', else one within a small edit distance. */
export function closeMatch(name: string, header: string[]): string {
  const loose = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, "");
  const same = header.find((candidate) => loose(candidate) === loose(name));
  return same === undefined ? suggestion(name, header) : ` (did you mean "${same}"?)`;
}

export function listColumns(header: string[], limit = 30): string {
  const shown = header.slice(0, limit).map((name) => JSON.stringify(name));
  return header.length > limit ? `${shown.join(", ")}, … (${header.length} in all)` : shown.join(", ");
}

export function columnSpecs(dataset: Dataset, names: string[]): Map<string, ColumnSpec> {
  const specs = new Map<string, ColumnSpec>();
  for (const name of names) {
    const check = dataset.columns[name] ?? { nullable: false };
    const isTarget = name === dataset.target;
    const categorical = dataset.categorical.includes(name) || (isTarget && dataset.task === "classification");
    specs.set(name, {
      dtype: check.type === "date" ? "string" : check.type,
      categorical,
      check: isTarget ? { ...check, nullable: false } : check,
      ...(isTarget
        ? {
            missingHint:
              "the target may not be missing; set dataset.missing_target: drop to drop unlabeled rows",
          }
        : {}),
    });
  }
  return specs;
}

/** The rows of `text` whose `column` cell is present, and how many were left out. */
export function rowsWithValue(
  text: TextTable,
  column: string,
  missingTexts: string[],
): { text: TextTable; dropped: number } {
  const cells = text.cells[text.header.indexOf(column)] ?? [];
  const keep: number[] = [];
  for (let row = 0; row < text.rows; row++)
    if (!isMissingText(cells[row] ?? null, missingTexts)) keep.push(row);
  if (keep.length === text.rows) return { text, dropped: 0 };
  return {
    text: {
      ...text,
      cells: text.cells.map((values) => keep.map((row) => values[row] ?? null)),
      rows: keep.length,
      lines: keep.map((row) => text.lines[row] as number),
    },
    dropped: text.rows - keep.length,
  };
}

function isMissingText(value: string | null, missingTexts: string[]): boolean {
  return value === null || value.trim() === "" || missingTexts.includes(value.trim());
}

/** Parses and checks the kept columns of `text`. */
export function validateTable(
  text: TextTable,
  specs: Map<string, ColumnSpec>,
  missingTexts: string[],
): Result<Table> {
  const columns: Column[] = [];
  for (const [name, spec] of specs) {
    const index = text.header.indexOf(name);
    const cells = (text.cells[index] ?? []).map((value) =>
      value === null || isMissingText(value, missingTexts) ? null : value.trim(),
    );
    const parsed = parseColumn(text, name, cells, spec);
    if (!parsed.ok) return parsed;
    columns.push(parsed.value);
  }
  return ok({ rows: text.rows, columns });
}

function parseColumn(
  text: TextTable,
  name: string,
  cells: (string | null)[],
  spec: ColumnSpec,
): Result<Column> {
  const at = (row: number, message: string): Result<never> => err(dataError(text, name, row, message));

  if (!spec.check.nullable) {
    const row = cells.indexOf(null);
    if (row >= 0)
      return at(
        row,
        `missing value; ${spec.missingHint ?? `allow it with \`nullable: true\` under dataset.columns.${name}`}`,
      );
  }

  if (spec.check.type === "date") {
    const format = spec.check.format;
    for (let row = 0; row < cells.length; row++) {
      const value = cells[row] ?? null;
      if (value !== null && Number.isNaN(parseDate(value, format)))
        return at(row, dateProblem(value, format));
    }
    return ok({ name, dtype: "string", values: cells });
  }

  const dtype = spec.dtype ?? inferDtype(cells);
  if (dtype === "string") {
    if (!spec.categorical) {
      const row = cells.findIndex((value) => value !== null && !NUMBER.test(value));
      return at(
        row,
        `"${cells[row]}" is text in a numeric column; list the column in dataset.categorical or dataset.drop`,
      );
    }
    const allowed = spec.check.allowed?.map(String);
    if (allowed) {
      const row = cells.findIndex((value) => value !== null && !allowed.includes(value));
      if (row >= 0) return at(row, `"${cells[row]}" is not one of the allowed values ${allowed.join(", ")}`);
    }
    return ok({ name, dtype, values: cells });
  }

  const values = new Float64Array(cells.length);
  for (let row = 0; row < cells.length; row++) {
    const value = cells[row] ?? null;
    if (value === null) {
      values[row] = Number.NaN;
      continue;
    }
    if (!NUMBER.test(value)) return at(row, `"${value}" is not a number`);
    const number = Number(value);
    if (!Number.isFinite(number)) return at(row, `"${value}" is not a finite number`);
    if (dtype === "integer" && !Number.isInteger(number)) return at(row, `"${value}" is not an integer`);
    const { min, max, allowed } = spec.check;
    if (min !== undefined && number < min) return at(row, `${value} is below the minimum ${min}`);
    if (max !== undefined && number > max) return at(row, `${value} is above the maximum ${max}`);
    if (allowed && !allowed.some((candidate) => Number(candidate) === number))
      return at(row, `${value} is not one of the allowed values ${allowed.join(", ")}`);
    values[row] = number;
  }
  return ok({ name, dtype, values });
}

function inferDtype(cells: (string | null)[]): Dtype {
  let integer = true;
  for (const value of cells) {
    if (value === null) continue;
    if (!NUMBER.test(value)) return "string";
    if (!INTEGER.test(value)) integer = false;
  }
  return integer ? "integer" : "float";
}

function dataError(text: TextTable, column: string, row: number, message: string): MlError {
  return { kind: "data", file: text.file, column, row: row + 1, line: text.lines[row], message };
}
