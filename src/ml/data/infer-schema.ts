// `tabula data infer`: a draft of params.yaml's `dataset` section from a CSV, as pandera's infer_schema and TFDV's
// schema inference do: per column a type, a range with a margin, the allowed values of low-cardinality text,
// `nullable` where values are missing; the missing-value tokens seen; date columns; id-like and constant columns
// proposed for `drop`. A draft for a person to review, not a verdict: the rules are simple and stated here.
import { parseDate } from "../../artifact/date-features.js";
import { err, ok, type Result } from "../errors.js";
import type { ColumnCheck, Dataset } from "../params.js";
import type { TextTable } from "./csv.js";
import { closeMatch, listColumns } from "./validate.js";

/** Cell texts read as "missing" when they appear in a column whose other values are numbers or dates. */
const MISSING_TOKENS = [
  ".",
  "?",
  "-",
  "NA",
  "N/A",
  "n/a",
  "na",
  "NaN",
  "nan",
  "null",
  "NULL",
  "None",
  "none",
];
/** Tokens that mean "missing" even in a text column. */
const TEXT_MISSING_TOKENS = ["NA", "N/A", "n/a", "NaN", "null", "NULL", "None"];
const DEFAULT_MISSING = ["NA", "NaN", "null"];
/** Layouts tried, in order, when a column's values are not ISO 8601 dates (day-first before month-first). */
const DATE_FORMATS = ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY/MM/DD", "DD.MM.YYYY", "DD-MM-YYYY"];
/** Text columns with at most this many distinct values are categorical (with `allowed`); more is id-like. */
const MAX_CATEGORIES = 30;
/** A classification target has at most this many distinct values (text, or integers). */
const MAX_CLASSES = 20;
/** Ranges widen by this share of the observed span on each side. */
const RANGE_MARGIN = 0.1;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

export type InferredKind = "float" | "integer" | "date" | "categorical" | "id" | "constant";

export interface InferredColumn {
  name: string;
  kind: InferredKind;
  missing: number;
  distinct: number;
  check?: ColumnCheck;
  /** Why the column is proposed for drop. */
  dropReason?: string;
  /**
   * An id-like column: `integer` a distinct integer per row that counts up or is named as an id; `text` free text
   * or string ids with more distinct values than a categorical column has.
   */
  idType?: "integer" | "text";
}

export interface InferredDataset {
  dataset: Dataset;
  columns: InferredColumn[];
  /** Missing-value tokens found in the file beyond the empty cell. */
  tokensSeen: string[];
}

export function inferDataset(text: TextTable, path: string, target: string): Result<InferredDataset> {
  if (!text.header.includes(target))
    return err({
      kind: "data",
      file: text.file,
      column: target,
      message: `--target "${target}" is not a column${closeMatch(target, text.header)}; its columns: ${listColumns(text.header)}`,
    });
  if (text.rows === 0) return err({ kind: "data", file: text.file, message: "has no data rows" });
  const tokensSeen = new Set<string>();
  const columns = text.header.map((name) => inferColumn(name, text.cells(name), name === target, tokensSeen));
  const targetColumn = columns.find((col) => col.name === target) as InferredColumn;
  const task =
    targetColumn.kind === "categorical" ||
    (targetColumn.kind === "integer" && targetColumn.distinct <= MAX_CLASSES)
      ? "classification"
      : "regression";
  const kept = columns.filter((col) => col.name === target || col.dropReason === undefined);
  const checks: Record<string, ColumnCheck> = {};
  for (const col of kept) {
    if (!col.check) continue;
    const check: ColumnCheck = { ...col.check };
    if (col.name === target) {
      // The target is never nullable (missing_target says what to do instead); a class label needs no range.
      check.nullable = false;
      if (task === "classification") {
        delete check.min;
        delete check.max;
      }
    }
    checks[col.name] = check;
  }
  const dataset: Dataset = {
    path,
    target,
    task,
    drop: columns.filter((col) => col.name !== target && col.dropReason !== undefined).map((col) => col.name),
    categorical: kept
      .filter((col) => col.kind === "categorical" && col.name !== target)
      .map((col) => col.name),
    missing: [...new Set([...DEFAULT_MISSING, ...tokensSeen])],
    columns: checks,
    missing_target: targetColumn.missing > 0 ? "drop" : "error",
  };
  return ok({
    dataset,
    columns,
    tokensSeen: [...tokensSeen].filter((token) => !DEFAULT_MISSING.includes(token)),
  });
}

function inferColumn(
  name: string,
  cells: readonly (string | null)[],
  isTarget: boolean,
  tokensSeen: Set<string>,
): InferredColumn {
  const trimmed = cells.map((cell) => (cell === null ? "" : cell.trim()));
  const filled = trimmed.filter((cell) => cell !== "");
  // Tokens count as missing in a column of numbers or dates: try the column without them first.
  const tokens = filled.filter((cell) => MISSING_TOKENS.includes(cell));
  const withoutTokens = filled.filter((cell) => !MISSING_TOKENS.includes(cell));
  const typedWithoutTokens =
    tokens.length > 0 &&
    withoutTokens.length > 0 &&
    (allNumbers(withoutTokens) || dateFormatOf(withoutTokens) !== undefined);
  const present = typedWithoutTokens
    ? withoutTokens
    : filled.filter((cell) => !TEXT_MISSING_TOKENS.includes(cell));
  for (const token of typedWithoutTokens
    ? tokens
    : filled.filter((cell) => TEXT_MISSING_TOKENS.includes(cell)))
    tokensSeen.add(token);
  const missing = cells.length - present.length;
  const distinct = new Set(present).size;
  const nullable = missing > 0;
  const base = { name, missing, distinct };

  if (present.length === 0) return { ...base, kind: "constant", dropReason: "every value is missing" };
  if (distinct === 1 && !isTarget)
    return {
      ...base,
      kind: "constant",
      dropReason: `constant: every value is ${JSON.stringify(present[0])}`,
    };

  if (allNumbers(present)) {
    const values = present.map(Number);
    const integer = present.every((cell) => INTEGER.test(cell));
    if (!isTarget && integer && idLike(name, values))
      return { ...base, kind: "id", idType: "integer", dropReason: "id-like: a distinct integer per row" };
    return { ...base, kind: integer ? "integer" : "float", check: rangeCheck(values, integer, nullable) };
  }
  const format = dateFormatOf(present);
  if (format !== undefined) {
    const check: ColumnCheck = { type: "date", nullable };
    if (format !== "") check.format = format;
    return { ...base, kind: "date", check };
  }
  if (distinct <= MAX_CATEGORIES && (isTarget || distinct < present.length)) {
    const allowed = [...new Set(present)].sort();
    return { ...base, kind: "categorical", check: { type: "string", allowed, nullable } };
  }
  return {
    ...base,
    kind: "id",
    idType: "text",
    dropReason: `free text or an id: ${distinct} distinct values`,
  };
}

function allNumbers(cells: readonly string[]): boolean {
  return cells.every((cell) => NUMBER.test(cell) && Number.isFinite(Number(cell)));
}

/** "" for ISO 8601, a format for another layout every value parses in, undefined when not dates. */
function dateFormatOf(cells: readonly string[]): string | undefined {
  if (cells.length === 0 || allNumbers(cells)) return undefined;
  if (cells.every((cell) => !Number.isNaN(parseDate(cell)))) return "";
  return DATE_FORMATS.find((format) => cells.every((cell) => !Number.isNaN(parseDate(cell, format))));
}

/** A distinct integer per row that counts up (an index or row id) or whose name says it is an id. */
function idLike(name: string, values: number[]): boolean {
  if (new Set(values).size !== values.length || values.length < 10) return false;
  const sorted = [...values].sort((a, b) => a - b);
  const consecutive = (sorted.at(-1) as number) - (sorted[0] as number) === values.length - 1;
  return consecutive || looksLikeIdName(name);
}

/** A column name that says it is an id, an index or a row number. */
export function looksLikeIdName(name: string): boolean {
  return /(^|[_\s-])id$|^id[_\s-]|^id$|^index$|^row/i.test(name);
}

function rangeCheck(values: number[], integer: boolean, nullable: boolean): ColumnCheck {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const margin = (max - min) * RANGE_MARGIN || Math.abs(max) * RANGE_MARGIN || 1;
  const step = 10 ** Math.floor(Math.log10(margin));
  // A quantity that is never negative keeps 0 as its floor rather than a negative margin.
  const low = min >= 0 && min - margin < 0 ? 0 : Math.floor((min - margin) / step) * step;
  const high = Math.ceil((max + margin) / step) * step;
  const check: ColumnCheck = { min: tidy(low), max: tidy(high), nullable };
  if (integer) check.type = "integer";
  return check;
}

/** Removes float noise from a rounded bound (0.30000000000000004 → 0.3). */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}
