// Outliers by Tukey's fences: values more than k interquartile ranges (k = 1.5 by default) outside the quartiles.
import { quantileSorted } from "../data/profiling.js";
import type { Table } from "../data/table.js";
import { sortFloat64 } from "../sort-floats.js";

export interface ColumnOutliers {
  name: string;
  q1: number;
  q3: number;
  lowerFence: number;
  upperFence: number;
  below: number;
  above: number;
  /** (below + above) / values present. */
  share: number;
  /** 0-based rows of the outlying values, most extreme first. */
  rows: number[];
}

export function tukeyOutliers(table: Table, k = 1.5, exclude: string[] = []): ColumnOutliers[] {
  const found: ColumnOutliers[] = [];
  for (const col of table.columns) {
    if (col.dtype === "string" || exclude.includes(col.name)) continue;
    const values = col.values;
    const present = new Float64Array(values.length);
    let count = 0;
    for (let row = 0; row < values.length; row++) {
      const value = values[row] as number;
      if (!Number.isNaN(value)) present[count++] = value;
    }
    if (count === 0) continue;
    const sorted = sortFloat64(present.subarray(0, count));
    const q1 = quantileSorted(sorted, 0.25);
    const q3 = quantileSorted(sorted, 0.75);
    const spread = q3 - q1;
    const lowerFence = q1 - k * spread;
    const upperFence = q3 + k * spread;
    const outlying: { row: number; distance: number }[] = [];
    let below = 0;
    let above = 0;
    for (let row = 0; row < values.length; row++) {
      const value = values[row] as number;
      if (value < lowerFence) {
        below++;
        outlying.push({ row, distance: lowerFence - value });
      } else if (value > upperFence) {
        above++;
        outlying.push({ row, distance: value - upperFence });
      }
    }
    outlying.sort((a, b) => b.distance - a.distance || a.row - b.row);
    found.push({
      name: col.name,
      q1,
      q3,
      lowerFence,
      upperFence,
      below,
      above,
      share: (below + above) / count,
      rows: outlying.map((entry) => entry.row),
    });
  }
  return found;
}
