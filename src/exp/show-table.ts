// `tabula exp show`: experiments as a table of params and metrics, as text, Markdown, CSV or JSON. By default
// only the columns whose values differ between the experiments shown (what `dvc exp show` calls changed columns).
import { err, ok, type Result } from "../result.js";
import type { ExpError } from "./exp-error.js";
import type { Experiment } from "./experiment.js";

export interface ShowOptions {
  /** Every param and metric column, not only those that differ. */
  all?: boolean;
  /** A metric (or param) column to sort by: its full name or a unique dotted suffix (`mse`). */
  sortBy?: string;
  order?: "asc" | "desc";
  /** Significant digits in text and Markdown. Default 5. */
  precision?: number;
}

export interface Column {
  /** As shown in the header. */
  name: string;
  kind: "meta" | "param" | "metric";
  value(experiment: Experiment): unknown;
}

export interface ExperimentsTable {
  columns: Column[];
  experiments: Experiment[];
}

export type TableResult = Result<ExperimentsTable, ExpError>;

export function experimentsTable(all: Experiment[], options: ShowOptions = {}): TableResult {
  const params = new Set(all.flatMap((experiment) => Object.keys(experiment.params)));
  const metricKeys = all.flatMap((experiment) =>
    Object.entries(experiment.metrics).flatMap(([file, values]) =>
      Object.keys(values).map((key) => ({ file, key })),
    ),
  );
  // A metric is named by its key, or file:key when two files have the same key.
  const filesOfKey = new Map<string, Set<string>>();
  for (const { file, key } of metricKeys) filesOfKey.set(key, (filesOfKey.get(key) ?? new Set()).add(file));
  const metricColumns = new Map<string, Column>();
  for (const { file, key } of metricKeys) {
    const name = (filesOfKey.get(key)?.size ?? 0) > 1 ? `${file}:${key}` : key;
    if (!metricColumns.has(name))
      metricColumns.set(name, {
        name,
        kind: "metric",
        value: (experiment) => experiment.metrics[file]?.[key],
      });
  }
  const paramColumns: Column[] = [...params].sort().map((name) => ({
    name,
    kind: "param",
    value: (experiment) => experiment.params[name],
  }));
  const overridden = new Set(all.flatMap((experiment) => Object.keys(experiment.overrides)));
  const varies = (column: Column) =>
    new Set(all.map((experiment) => JSON.stringify(column.value(experiment)))).size > 1;
  const keep = (column: Column) =>
    options.all ||
    varies(column) ||
    (all.length === 1 && (column.kind === "metric" || overridden.has(column.name)));

  let experiments = [...all];
  const candidates = [...metricColumns.values(), ...paramColumns];
  if (options.sortBy !== undefined) {
    const key = options.sortBy;
    const exact = candidates.filter((column) => column.name === key);
    const bySuffix = candidates.filter(
      (column) => column.name.endsWith(`.${key}`) || column.name.endsWith(`:${key}`),
    );
    const matches = exact.length > 0 ? exact : bySuffix;
    if (matches.length !== 1)
      return err({
        kind: "sort-column",
        message:
          matches.length === 0
            ? `--sort-by ${key}: no such metric or param; metrics: ${[...metricColumns.keys()].join(", ") || "none"}`
            : `--sort-by ${key}: ambiguous, matches ${matches.map((column) => column.name).join(", ")}`,
      });
    const column = matches[0] as Column;
    const sign = options.order === "desc" ? -1 : 1;
    experiments = experiments.sort((a, b) => sign * compare(column.value(a), column.value(b)));
  }
  const meta: Column[] = [
    { name: "experiment", kind: "meta", value: (experiment) => experiment.name ?? experiment.id },
    { name: "created", kind: "meta", value: (experiment) => experiment.time.slice(0, 16).replace("T", " ") },
    {
      name: "rev",
      kind: "meta",
      value: (experiment) =>
        experiment.rev ? `${experiment.rev.commit.slice(0, 7)}${experiment.rev.dirty ? "*" : ""}` : "—",
    },
  ];
  return ok({
    columns: [...meta, ...paramColumns.filter(keep), ...[...metricColumns.values()].filter(keep)],
    experiments,
  });
}

/** Numbers ascending; missing values last; anything else by its text. */
function compare(a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function formatValue(value: unknown, precision: number): string {
  if (value === undefined) return "—";
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return String(Number(value.toPrecision(precision)));
  }
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** Header and rows of display text, for the engine's text and Markdown renderers. */
export function tableCells(
  table: ExperimentsTable,
  precision = 5,
): { headers: string[]; align: ("left" | "right")[]; rows: string[][] } {
  const numeric = table.columns.map(
    (column) =>
      column.kind !== "meta" &&
      table.experiments.every((experiment) => {
        const value = column.value(experiment);
        return value === undefined || typeof value === "number";
      }),
  );
  return {
    headers: table.columns.map((column) => column.name),
    align: numeric.map((isNumber) => (isNumber ? "right" : "left")),
    rows: table.experiments.map((experiment) =>
      table.columns.map((column) => formatValue(column.value(experiment), precision)),
    ),
  };
}

/** RFC 4180 CSV with full-precision values; missing values are empty. */
export function toCsv(table: ExperimentsTable): string {
  const cell = (value: unknown) => {
    const text =
      value === undefined || value === null
        ? ""
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [
    table.columns.map((column) => cell(column.name)).join(","),
    ...table.experiments.map((experiment) =>
      table.columns.map((column) => cell(column.value(experiment))).join(","),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** The shown experiments' columns as JSON objects (every column with --all). */
export function toJson(table: ExperimentsTable): string {
  const rows = table.experiments.map((experiment) => ({
    id: experiment.id,
    name: experiment.name,
    time: experiment.time,
    rev: experiment.rev,
    params: Object.fromEntries(
      table.columns
        .filter((column) => column.kind === "param")
        .map((column) => [column.name, column.value(experiment) ?? null]),
    ),
    metrics: Object.fromEntries(
      table.columns
        .filter((column) => column.kind === "metric")
        .map((column) => [column.name, column.value(experiment) ?? null]),
    ),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
