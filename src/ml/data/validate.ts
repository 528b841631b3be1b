// Turns CSV text into a typed Table, checking the schema declared in params.yaml: every declared column exists,
// types (declared or inferred), missing values, min/max and allowed values. The first violation is returned as an
// error naming the column, the 1-based data row and the file line.

import pl from "nodejs-polars";
import { dateProblem, parseDate } from "../../artifact/date-features.js";
import { err, type MlError, ok, type Result } from "../errors.js";
import type { ColumnCheck, Dataset } from "../params.js";
import { type KeyPath, keyName, type ParamsFile, suggestion } from "../params-file.js";
import { type TextTable, textTable } from "./csv.js";
import type { Column, Dtype, Table } from "./table.js";

/** What validation needs to know about each column. */
export interface ColumnSpec {
  dtype?: Dtype;
  categorical: boolean;
  check: ColumnCheck;
  /** What to do about a missing value, when it is not "declare the column nullable". */
  missingHint?: string;
}

/** Decimal number text: what a numeric cell may hold. */
export const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
// INTEGER for polars (Rust's \d is any Unicode digit, JavaScript's is 0-9).
const INTEGER_PATTERN = "^[+-]?[0-9]+$";

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
  const present = text.frame
    .select(presentCell(column, missingTexts).isNotNull().alias("present"))
    .getColumn("present");
  const kept = Number(present.cast(pl.UInt32).sum());
  if (kept === text.rows) return { text, dropped: 0 };
  let keep: number[] | undefined;
  const keptRows = () => {
    keep ??= (present.toArray() as boolean[]).flatMap((isPresent, row) => (isPresent ? [row] : []));
    return keep;
  };
  return {
    text: textTable(text.file, text.frame.filter(present), (row) => {
      const original = keptRows()[row];
      return original === undefined ? undefined : text.line(original);
    }),
    dropped: text.rows - kept,
  };
}

/**
 * Column `name` with its cells trimmed as String.prototype.trim does and the missing ones (empty, or a missing
 * token) null.
 */
function presentCell(name: string, missingTexts: string[]): pl.Expr {
  return missingCellsNull(pl.col(name).str.stripChars(JS_WHITESPACE), missingTexts).alias(name);
}

/** `cell` with the empty cells and the missing tokens null. */
function missingCellsNull(cell: pl.Expr, missingTexts: string[]): pl.Expr {
  const missing = cell
    .isNull()
    .or(cell.eq(pl.lit("")))
    .or(missingTexts.length === 0 ? pl.lit(false) : cell.isIn(missingTexts));
  return pl.when(missing).then(pl.lit(null).cast(pl.Utf8)).otherwise(cell);
}

/** What String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator characters. */
const JS_WHITESPACE =
  "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** Parses and checks the kept columns of `text`. */
export function validateTable(
  text: TextTable,
  specs: Map<string, ColumnSpec>,
  missingTexts: string[],
): Result<Table> {
  const columns: Column[] = [];
  for (const [name, spec] of specs) {
    const checked = numericColumn(text, name, spec, missingTexts);
    if (checked) {
      columns.push(checked);
      continue;
    }
    // Text columns, and numeric columns with a problem: checked cell by cell, which names the first bad one.
    const cells = text.header.includes(name)
      ? (text.frame.select(presentCell(name, missingTexts)).getColumn(name).toArray() as (string | null)[])
      : [];
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
      const row = cells.findIndex((value) => value !== null && !NUMBER_TEXT.test(value));
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
    if (!NUMBER_TEXT.test(value)) return at(row, `"${value}" is not a number`);
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

/**
 * A numeric column checked and parsed inside polars, or undefined when it is not numeric or breaks a rule (then
 * parseColumn goes through it cell by cell and names the first problem). It accepts exactly the cells parseColumn
 * accepts, with the same values: polars' text → float cast takes the finite numbers NUMBER_TEXT matches, correctly
 * rounded as Number is, plus inf/nan forms (rejected here as not finite); test/ml/data/validate.test.ts holds it to
 * that. Raw cells first (the common case: nothing to trim), then cells trimmed as String.prototype.trim does.
 */
function numericColumn(
  text: TextTable,
  name: string,
  spec: ColumnSpec,
  missingTexts: string[],
): Column | undefined {
  if (spec.check.type === "date" || spec.dtype === "string" || !text.header.includes(name)) return undefined;
  // A raw cell that parses has no whitespace, so trimming would not change it; a trim-stable missing token matches
  // its raw cell exactly when it matches the trimmed one.
  const raw = missingTexts.every((token) => token === token.trim())
    ? parsedNumbers(text, name, missingCellsNull(pl.col(name), missingTexts), spec)
    : undefined;
  return raw ?? parsedNumbers(text, name, presentCell(name, missingTexts), spec);
}

function parsedNumbers(
  text: TextTable,
  name: string,
  cellExpr: pl.Expr,
  spec: ColumnSpec,
): Column | undefined {
  const cells = text.frame.select(cellExpr.alias("cell"));
  const parsed = cells.withColumns(pl.col("cell").cast(pl.Float64, false).alias("value"));
  const cell = pl.col("cell");
  const value = pl.col("value");
  const present = cell.isNotNull();
  const { min, max, allowed } = spec.check;
  const count = (bad: pl.Expr, as: string) => bad.cast(pl.UInt32).sum().alias(as);
  const found = parsed
    .select(
      count(cell.isNull(), "missing"),
      count(present.and(value.isNull().or(value.isFinite().not())), "unparsed"),
      count(
        spec.dtype === undefined ? present.and(cell.str.contains(INTEGER_PATTERN).not()) : pl.lit(false),
        "decimal",
      ),
      count(value.floor().neq(value), "fraction"),
      count(min === undefined ? pl.lit(false) : value.lt(min), "below"),
      count(max === undefined ? pl.lit(false) : value.gt(max), "above"),
      count(
        allowed === undefined ? pl.lit(false) : present.and(value.isIn(allowed.map(Number)).not()),
        "disallowed",
      ),
    )
    .toRecords()[0] as Record<string, number>;
  const dtype =
    spec.dtype === "float" || spec.dtype === "integer"
      ? spec.dtype
      : found.decimal === 0
        ? "integer"
        : "float";
  const fails =
    (found.missing !== 0 && !spec.check.nullable) ||
    found.unparsed !== 0 ||
    (dtype === "integer" && found.fraction !== 0) ||
    found.below !== 0 ||
    found.above !== 0 ||
    found.disallowed !== 0;
  if (fails) return undefined;
  const values = parsed.select(value.fillNull(Number.NaN)).getColumn("value");
  return { name, dtype, values: Float64Array.from(values.toTypedArray() as Float64Array) };
}

function inferDtype(cells: (string | null)[]): Dtype {
  let integer = true;
  for (const value of cells) {
    if (value === null) continue;
    if (!NUMBER_TEXT.test(value)) return "string";
    if (!INTEGER.test(value)) integer = false;
  }
  return integer ? "integer" : "float";
}

function dataError(text: TextTable, column: string, row: number, message: string): MlError {
  return { kind: "data", file: text.file, column, row: row + 1, line: text.line(row), message };
}
