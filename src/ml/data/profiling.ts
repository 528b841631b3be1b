// Builds the data profile (src/ml/data/profile.ts) from the training split: per-column statistics, quantiles,
// quantile-based histogram bins (the drift reference) and category counts. Bin edges and counts are computed on
// float32 values, which is what the model and the server see.
import type { Dataset } from "../params.js";
import { sortFloat64 } from "../sort-floats.js";
import { type ColumnProfile, PROFILE_FORMAT, type Profile } from "./profile.js";
import type { Column, Table } from "./table.js";

const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
const BINS = 10;

export function buildProfile(train: Table, dataset: Dataset): Profile {
  const target = train.columns.find((col) => col.name === dataset.target);
  if (!target) throw new Error(`the table has no target column "${dataset.target}"`);
  const isCategorical = (col: Column) =>
    dataset.categorical.includes(col.name) || (col === target && dataset.task === "classification");
  return {
    format: PROFILE_FORMAT,
    rows: train.rows,
    target: profileColumn(target, isCategorical(target)),
    features: train.columns
      .filter((col) => col !== target)
      .map((col) => {
        const check = dataset.columns[col.name];
        return check?.type === "date"
          ? profileDate(col, check.format)
          : profileColumn(col, isCategorical(col));
      }),
  };
}

/** A date column: its text stays text until a `date` feature step derives numbers from it. */
function profileDate(col: Column, format: string | undefined): ColumnProfile {
  const count = presentValues(col).length;
  return {
    name: col.name,
    kind: "date",
    dtype: "string",
    ...(format === undefined ? {} : { format }),
    count,
    missing: col.values.length - count,
  };
}

export function profileColumn(col: Column, categorical: boolean): ColumnProfile {
  const base = { name: col.name, dtype: col.dtype };
  if (col.dtype === "string" || categorical) {
    const present = presentValues(col);
    const counts = new Map<string | number, number>();
    for (const value of present) counts.set(value, (counts.get(value) ?? 0) + 1);
    const values = sortCategories([...counts.keys()]);
    return {
      ...base,
      kind: "categorical",
      count: present.length,
      missing: col.values.length - present.length,
      categories: { values, counts: values.map((value) => counts.get(value) as number) },
    };
  }
  const present = sortFloat64(presentNumbers(col.values));
  const count = present.length;
  const profile: ColumnProfile = { ...base, kind: "numeric", count, missing: col.values.length - count };
  if (count === 0) return profile;
  let sum = 0;
  for (const value of present) sum += value;
  const mean = sum / count;
  let squares = 0;
  for (const value of present) squares += (value - mean) ** 2;
  profile.min = present[0] as number;
  profile.max = present[count - 1] as number;
  profile.mean = mean;
  profile.std = Math.sqrt(squares / count);
  profile.quantiles = Object.fromEntries(QUANTILES.map((q) => [String(q), quantileSorted(present, q)]));
  profile.bins = histogram(present);
  return profile;
}

/** Linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] as number;
  return low + (position - lower) * ((sorted[upper] as number) - low);
}

/**
 * Edges are order statistics (the values at ranks k/BINS, deduplicated), not interpolated quantiles: each bin then
 * holds at least its own upper edge, so no training bin is empty (drift scores divide by these proportions).
 */
function histogram(sorted: Float64Array): { edges: number[]; counts: number[] } {
  const maximum = Math.fround(sorted[sorted.length - 1] as number);
  const interior: number[] = [];
  for (let k = 1; k < BINS; k++) {
    const edge = Math.fround(sorted[Math.floor(((sorted.length - 1) * k) / BINS)] as number);
    if (edge < maximum && (interior.length === 0 || edge > (interior[interior.length - 1] as number)))
      interior.push(edge);
  }
  const counts = new Array<number>(interior.length + 1).fill(0);
  for (const value of sorted) {
    const x = Math.fround(value);
    let bin = 0;
    while (bin < interior.length && x > (interior[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { edges: interior, counts };
}

function presentValues(col: Column): (string | number)[] {
  const present: (string | number)[] = [];
  if (col.dtype === "string") {
    for (const value of col.values) if (value !== null) present.push(value);
  } else {
    for (const value of col.values) if (!Number.isNaN(value)) present.push(value);
  }
  return present;
}

function presentNumbers(values: Float64Array): Float64Array {
  const present = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isNaN(value)) present[count++] = value;
  }
  return present.subarray(0, count);
}

/** Numbers ascending, strings in code-unit order: the order of a featurizer's categories. */
export function sortCategories<T extends string | number>(values: T[]): T[] {
  return [...values].sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}
