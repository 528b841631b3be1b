// Runs the expectations suite on the raw data: every expectation gives its observed value, the bound it was held
// to, and pass / warn / fail (a failed `warn` expectation is a warning; a failed `error` one stops prepare).

import { detectDrift, type FeatureWindow } from "../../../drift/detect-drift.js";
import { countInBins } from "../../../drift/histogram.js";
import type { Profile } from "../profile.js";
import { type Column, isMissing, type Table } from "../table.js";
import { conditionColumns, holds, parseCondition } from "./rule.js";
import type { Expectation, Suite } from "./suite-schema.js";

export type ExpectationStatus = "pass" | "warn" | "fail" | "skipped";

export interface ExpectationResult {
  /** Its `name`, or a description of it. */
  name: string;
  kind: string;
  severity: "error" | "warn";
  status: ExpectationStatus;
  observed: number | null;
  /** The bound in words: `>= 100`, `in [0.1, 0.5]`, `== 0`. */
  bound: string;
  /** Why it failed or was skipped, and what it saw. */
  detail?: string;
}

export interface SuiteResult {
  results: ExpectationResult[];
  passed: number;
  warned: number;
  failed: number;
}

interface Measured {
  observed: number | null;
  ok: boolean;
  bound: string;
  detail?: string;
  skipped?: boolean;
}

function columnOf(table: Table, name: string): Column | undefined {
  return table.columns.find((column) => column.name === name);
}

function rangeBound(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `in [${min}, ${max}]`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return "any";
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return !Number.isNaN(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
}

function numericValues(column: Column): number[] {
  if (column.dtype === "string")
    return column.values.flatMap((v) =>
      v === null || v.trim() === "" || Number.isNaN(Number(v)) ? [] : [Number(v)],
    );
  return Array.from(column.values).filter((v) => !Number.isNaN(v));
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

function statistic(
  table: Table,
  column: string,
  compute: (values: number[]) => number,
  min?: number,
  max?: number,
): Measured {
  const found = columnOf(table, column);
  const bound = rangeBound(min, max);
  if (found === undefined)
    return { observed: null, ok: false, bound, detail: `no column "${column}" in the data` };
  const values = numericValues(found);
  const observed = compute(values);
  return { observed: Number.isNaN(observed) ? null : observed, ok: inRange(observed, min, max), bound };
}

function cellKey(column: Column, row: number): string {
  const value = column.values[row];
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))
    ? "\u0000"
    : String(value);
}

function measure(expectation: Expectation, table: Table, previous: Profile | undefined): Measured {
  if ("row_count" in expectation) {
    const { min, max } = expectation.row_count;
    return { observed: table.rows, ok: inRange(table.rows, min, max), bound: rangeBound(min, max) };
  }
  if ("unique" in expectation) {
    const names = typeof expectation.unique === "string" ? [expectation.unique] : expectation.unique;
    const columns = names.map((name) => columnOf(table, name));
    const absent = names.find((_, k) => columns[k] === undefined);
    if (absent !== undefined)
      return { observed: null, ok: false, bound: "== 0", detail: `no column "${absent}" in the data` };
    const seen = new Set<string>();
    let duplicates = 0;
    let example: number | undefined;
    for (let row = 0; row < table.rows; row++) {
      const key = columns.map((column) => cellKey(column as Column, row)).join("\u0001");
      if (seen.has(key)) {
        duplicates++;
        example ??= row;
      } else seen.add(key);
    }
    return {
      observed: duplicates,
      ok: duplicates === 0,
      bound: "== 0 duplicate rows",
      ...(example === undefined
        ? {}
        : { detail: `data row ${example + 1} repeats an earlier ${names.join(" + ")}` }),
    };
  }
  if ("max_missing" in expectation) {
    const { column, fraction } = expectation.max_missing;
    const found = columnOf(table, column);
    if (found === undefined)
      return {
        observed: null,
        ok: false,
        bound: `<= ${fraction}`,
        detail: `no column "${column}" in the data`,
      };
    let missing = 0;
    for (let row = 0; row < table.rows; row++) if (isMissing(found.values[row] ?? null)) missing++;
    const observed = table.rows === 0 ? 0 : missing / table.rows;
    return { observed, ok: observed <= fraction, bound: `<= ${fraction}` };
  }
  if ("values_in" in expectation) {
    const { column, values, min_fraction } = expectation.values_in;
    const found = columnOf(table, column);
    const bound = `>= ${min_fraction}`;
    if (found === undefined)
      return { observed: null, ok: false, bound, detail: `no column "${column}" in the data` };
    const allowed = new Set(values.map(String));
    let present = 0;
    let inside = 0;
    const outside = new Map<string, number>();
    for (let row = 0; row < table.rows; row++) {
      const value = found.values[row] ?? null;
      if (isMissing(value)) continue;
      present++;
      if (allowed.has(String(value))) inside++;
      else outside.set(String(value), (outside.get(String(value)) ?? 0) + 1);
    }
    const observed = present === 0 ? 1 : inside / present;
    const top = [...outside.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    return {
      observed,
      ok: observed >= min_fraction,
      bound,
      ...(top.length === 0
        ? {}
        : {
            detail: `values outside the set: ${top.map(([v, n]) => `${JSON.stringify(v)} (${n})`).join(", ")}`,
          }),
    };
  }
  if ("mean" in expectation) {
    const { column, min, max } = expectation.mean;
    return statistic(
      table,
      column,
      (v) => (v.length === 0 ? Number.NaN : v.reduce((s, x) => s + x, 0) / v.length),
      min,
      max,
    );
  }
  if ("std" in expectation) {
    const { column, min, max } = expectation.std;
    return statistic(
      table,
      column,
      (v) => {
        if (v.length < 2) return Number.NaN;
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
      },
      min,
      max,
    );
  }
  if ("quantile" in expectation) {
    const { column, q, min, max } = expectation.quantile;
    return statistic(
      table,
      column,
      (v) =>
        quantile(
          [...v].sort((a, b) => a - b),
          q,
        ),
      min,
      max,
    );
  }
  if ("rule" in expectation) {
    const bound = `>= ${expectation.min_fraction} of rows`;
    const parsed = parseCondition(expectation.rule);
    if (!parsed.ok) return { observed: null, ok: false, bound, detail: parsed.error.message };
    const columns = new Map<string, Column>();
    for (const name of conditionColumns(parsed.value)) {
      const found = columnOf(table, name);
      if (found === undefined)
        return { observed: null, ok: false, bound, detail: `no column "${name}" in the data` };
      columns.set(name, found);
    }
    let holding = 0;
    let firstFailing: number | undefined;
    // One reader for every row (a closure made per row costs more than the rule on a million rows).
    let row = 0;
    const value = (name: string): number => {
      const raw = (columns.get(name) as Column).values[row];
      return raw === null || raw === undefined ? Number.NaN : Number(raw);
    };
    for (row = 0; row < table.rows; row++) {
      if (holds(parsed.value, value)) holding++;
      else firstFailing ??= row;
    }
    const observed = table.rows === 0 ? 1 : holding / table.rows;
    return {
      observed,
      ok: observed >= expectation.min_fraction,
      bound,
      ...(firstFailing === undefined
        ? {}
        : { detail: `${table.rows - holding} rows break it, the first is data row ${firstFailing + 1}` }),
    };
  }
  return measureDrift(expectation.drift, table, previous);
}

function measureDrift(
  spec: { columns?: string[] | undefined; max_drifted_share: number },
  table: Table,
  previous: Profile | undefined,
): Measured {
  const bound = `<= ${spec.max_drifted_share} of columns drifted`;
  if (previous === undefined)
    return { observed: null, ok: true, bound, skipped: true, detail: "no accepted profile yet (first run)" };
  const windows: FeatureWindow[] = [];
  for (const profiled of [...previous.features]) {
    if (spec.columns !== undefined && !spec.columns.includes(profiled.name)) continue;
    const column = columnOf(table, profiled.name);
    if (column === undefined) continue;
    if (profiled.bins !== undefined) {
      const rows = profiled.bins.counts.reduce((s, c) => s + c, 0);
      windows.push({
        name: profiled.name,
        reference: {
          kind: "numeric",
          edges: profiled.bins.edges,
          proportions: profiled.bins.counts.map((c) => c / Math.max(rows, 1)),
          rows,
          ...(profiled.std === undefined ? {} : { std: profiled.std }),
        },
        live: countInBins(profiled.bins.edges, numericValues(column)),
      });
    } else if (profiled.categories !== undefined) {
      const { values, counts } = profiled.categories;
      const rows = counts.reduce((s, c) => s + c, 0);
      const index = new Map(values.map((value, k) => [String(value), k]));
      const live = new Array<number>(values.length + 1).fill(0);
      for (let row = 0; row < table.rows; row++) {
        const value = column.values[row] ?? null;
        if (isMissing(value)) continue;
        const k = index.get(String(value)) ?? values.length;
        live[k] = (live[k] as number) + 1;
      }
      windows.push({
        name: profiled.name,
        reference: {
          kind: "categorical",
          proportions: [...counts.map((c) => c / Math.max(rows, 1)), 0],
          rows,
        },
        live,
      });
    }
  }
  const drift = detectDrift(windows);
  const drifted = drift.features.filter((feature) => feature.drifted);
  return {
    observed: drift.driftedShare,
    ok: drift.driftedShare <= spec.max_drifted_share,
    bound,
    ...(drifted.length === 0
      ? {}
      : {
          detail: `drifted: ${drifted.map((f) => `${f.name} (${f.test} ${f.adjustedPValue !== undefined ? `p ${f.adjustedPValue.toExponential(2)}` : `${f.statistic.toFixed(3)}`})`).join(", ")}`,
        }),
  };
}

function describe(expectation: Expectation): { kind: string; name: string } {
  const [kind, spec] = Object.entries(expectation).find(([key]) => key !== "severity" && key !== "name") as [
    string,
    unknown,
  ];
  const what =
    typeof spec === "string"
      ? spec
      : Array.isArray(spec)
        ? spec.join(" + ")
        : typeof spec === "object" && spec !== null && "column" in spec
          ? String((spec as { column: string }).column)
          : "";
  return { kind, name: expectation.name ?? (what === "" ? kind : `${kind} ${what}`) };
}

/** `previous`: the last accepted training profile, for `drift` expectations. */
export function checkSuite(suite: Suite, table: Table, previous?: Profile): SuiteResult {
  const results = suite.map((expectation): ExpectationResult => {
    const { kind, name } = describe(expectation);
    const measured = measure(expectation, table, previous);
    const status: ExpectationStatus = measured.skipped
      ? "skipped"
      : measured.ok
        ? "pass"
        : expectation.severity === "warn"
          ? "warn"
          : "fail";
    return {
      name,
      kind,
      severity: expectation.severity,
      status,
      observed: measured.observed,
      bound: measured.bound,
      ...(measured.detail === undefined ? {} : { detail: measured.detail }),
    };
  });
  return {
    results,
    passed: results.filter((r) => r.status === "pass").length,
    warned: results.filter((r) => r.status === "warn").length,
    failed: results.filter((r) => r.status === "fail").length,
  };
}
