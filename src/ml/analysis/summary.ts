// Per-column summary statistics for exploring a dataset: the profile's statistics (the same code prepare uses for
// the drift reference) plus the share of missing values and the number of distinct values.
import type { ColumnProfile } from "../data/profile.js";
import { profileColumn } from "../data/profiling.js";
import type { Column, Table } from "../data/table.js";
import { sortFloat64 } from "../sort-floats.js";

export interface ColumnSummary {
  name: string;
  dtype: Column["dtype"];
  kind: ColumnProfile["kind"];
  count: number;
  missing: number;
  /** missing / rows, in [0, 1]. */
  missingShare: number;
  distinct: number;
  mean?: number;
  std?: number;
  min?: number;
  q25?: number;
  median?: number;
  q75?: number;
  max?: number;
  /** Sample skewness (Fisher's g1): near 0 for symmetric data, above 1 for a long right tail. */
  skew?: number;
  /** Categorical columns: the most frequent value and how often it occurs. */
  top?: string | number;
  topCount?: number;
}

export function summarizeTable(table: Table, categorical: string[] = []): ColumnSummary[] {
  return table.columns.map((col) => summarizeColumn(col, categorical.includes(col.name)));
}

export function summarizeColumn(col: Column, categorical: boolean): ColumnSummary {
  const profile = profileColumn(col, categorical);
  const rows = col.values.length;
  const summary: ColumnSummary = {
    name: col.name,
    dtype: col.dtype,
    kind: profile.kind,
    count: profile.count,
    missing: profile.missing,
    missingShare: rows === 0 ? 0 : profile.missing / rows,
    distinct: profile.categories?.values.length ?? distinctNumbers(col),
  };
  if (profile.kind === "categorical" && profile.categories) {
    const { values, counts } = profile.categories;
    let best = 0;
    for (let i = 1; i < counts.length; i++) if ((counts[i] as number) > (counts[best] as number)) best = i;
    if (values.length > 0) {
      summary.top = values[best];
      summary.topCount = counts[best];
    }
    return summary;
  }
  summary.mean = profile.mean;
  summary.std = profile.std;
  summary.min = profile.min;
  summary.q25 = profile.quantiles?.["0.25"];
  summary.median = profile.quantiles?.["0.5"];
  summary.q75 = profile.quantiles?.["0.75"];
  summary.max = profile.max;
  summary.skew = skewness(col.values as Float64Array);
  return summary;
}

/**
 * The distinct present values of a numeric column, counted on a sorted copy: a Set of a million doubles costs
 * seconds. Equal neighbours are one value, as in a Set (0 and -0 too).
 */
function distinctNumbers(col: Column): number {
  if (col.dtype === "string") return new Set(col.values.filter((value) => value !== null)).size;
  const present = new Float64Array(col.values.length);
  let count = 0;
  for (const value of col.values) if (!Number.isNaN(value)) present[count++] = value;
  const sorted = sortFloat64(present.subarray(0, count));
  let distinct = count === 0 ? 0 : 1;
  for (let i = 1; i < count; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

export function skewness(values: ArrayLike<number>): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) continue;
    n++;
    sum += value;
  }
  if (n < 3) return Number.NaN;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) continue;
    const d = value - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}
