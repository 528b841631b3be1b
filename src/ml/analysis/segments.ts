// Model errors broken down by segments of one column: quantile bins of a numeric column, or its categories. Shows
// where a model is worse than its overall metric suggests.
import { quantileSorted } from "../data/profiling.js";
import type { Column } from "../data/table.js";

export interface SegmentErrors {
  column: string;
  segment: string;
  rows: number;
  /** Mean absolute error. */
  mae: number;
  rmse: number;
  /** Mean of actual − predicted: positive when the model under-predicts the segment. */
  bias: number;
}

export interface SegmentOptions {
  /** Quantile bins for a numeric column. Default 4 (quartiles). */
  bins?: number;
  /** Treat a numeric column's values as categories. */
  categorical?: boolean;
}

export function errorsBySegment(
  col: Column,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: SegmentOptions = {},
): SegmentErrors[] {
  if (col.values.length !== actual.length || actual.length !== predicted.length)
    throw new Error(`"${col.name}", actual and predicted must have the same length`);
  const labels = segmentLabels(col, options);
  const groups = new Map<string, number[]>();
  labels.order.forEach((label) => {
    groups.set(label, []);
  });
  labels.ofRow.forEach((label, row) => {
    groups.get(label)?.push(row);
  });
  const segments: SegmentErrors[] = [];
  for (const [segment, rows] of groups) {
    if (rows.length === 0) continue;
    let absolute = 0;
    let squared = 0;
    let signed = 0;
    for (const row of rows) {
      const error = (actual[row] as number) - (predicted[row] as number);
      absolute += Math.abs(error);
      squared += error * error;
      signed += error;
    }
    segments.push({
      column: col.name,
      segment,
      rows: rows.length,
      mae: absolute / rows.length,
      rmse: Math.sqrt(squared / rows.length),
      bias: signed / rows.length,
    });
  }
  return segments;
}

function segmentLabels(col: Column, options: SegmentOptions): { order: string[]; ofRow: string[] } {
  const missing = "missing";
  if (col.dtype === "string" || options.categorical) {
    const ofRow = Array.from(col.values as ArrayLike<string | number | null>, (value) =>
      value === null || (typeof value === "number" && Number.isNaN(value)) ? missing : String(value),
    );
    const order = [...new Set(ofRow)].sort((a, b) => {
      const na = Number(a);
      const nb = Number(b);
      return Number.isNaN(na) || Number.isNaN(nb) ? (a < b ? -1 : a > b ? 1 : 0) : na - nb;
    });
    return { order, ofRow };
  }
  const values = col.values;
  const present = Float64Array.from(values.filter((value) => !Number.isNaN(value))).sort();
  const bins = options.bins ?? 4;
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const cut = quantileSorted(present, k / bins);
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] as number)) cuts.push(cut);
  }
  const low = present[0] ?? 0;
  const high = present[present.length - 1] ?? 0;
  const edges = [low, ...cuts.filter((cut) => cut > low && cut < high), high];
  const order = edges
    .slice(1)
    .map((edge, i) => `${i === 0 ? "[" : "("}${fmt(edges[i] as number)}, ${fmt(edge)}]`);
  const ofRow = Array.from(values, (value) => {
    if (Number.isNaN(value)) return missing;
    let bin = 0;
    while (bin < order.length - 1 && value > (edges[bin + 1] as number)) bin++;
    return order[bin] as string;
  });
  if (ofRow.includes(missing)) order.push(missing);
  return { order, ofRow };
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3).replace(/\.?0+$/, "");
}
