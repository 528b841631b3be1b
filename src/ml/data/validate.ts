// Turns CSV text into a typed Table, checking the schema declared in params.yaml: every declared column exists,
// types (declared or inferred), missing values, min/max and allowed values. The first violation is returned as an
// error naming the column, the 1-based data row and the file line.
import { fail, type MlError, ok, type Result } from "../errors.js";
import type { ColumnCheck, Dataset } from "../params.js";
import { suggestion } from "../params-file.js";
import type { TextTable } from "./csv.js";
import type { Column, Dtype, Table } from "./table.js";

/** What validation needs to know about each column. */
export interface ColumnSpec {
  dtype?: Dtype;
  categorical: boolean;
  check: ColumnCheck;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** The columns the dataset keeps (target included), in file order, after checking the params name real columns. */
export function datasetColumns(text: TextTable, dataset: Dataset): Result<string[]> {
  const named: [string, string][] = [
    [dataset.target, "dataset.target"],
    ...dataset.drop.map((name): [string, string] => [name, "dataset.drop"]),
    ...dataset.categorical.map((name): [string, string] => [name, "dataset.categorical"]),
    ...Object.keys(dataset.columns).map((name): [string, string] => [name, "dataset.columns"]),
  ];
  for (const [name, where] of named) {
    if (!text.header.includes(name))
      return fail({
        kind: "data",
        file: text.file,
        column: name,
        message: `named in ${where} but not in the file's header${suggestion(name, text.header)}`,
      });
  }
  return ok(text.header.filter((name) => !dataset.drop.includes(name)));
}

export function columnSpecs(dataset: Dataset, names: string[]): Map<string, ColumnSpec> {
  const specs = new Map<string, ColumnSpec>();
  for (const name of names) {
    const check = dataset.columns[name] ?? { nullable: false };
    const isTarget = name === dataset.target;
    const categorical = dataset.categorical.includes(name) || (isTarget && dataset.task === "classification");
    specs.set(name, {
      dtype: check.type,
      categorical,
      check: isTarget ? { ...check, nullable: false } : check,
    });
  }
  return specs;
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
      value === null || value.trim() === "" || missingTexts.includes(value.trim()) ? null : value.trim(),
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
  const at = (row: number, message: string): Result<never> => fail(dataError(text, name, row, message));

  if (!spec.check.nullable) {
    const row = cells.indexOf(null);
    if (row >= 0)
      return at(row, `missing value; allow it with \`nullable: true\` under dataset.columns.${name}`);
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
