// Outliers by Tukey's fences: values more than k interquartile ranges (k = 1.5 by default) outside the quartiles.
import { quantileSorted } from "../data/profiling.js";
import type { Table } from "../data/table.js";

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
    const present = Float64Array.from(col.values.filter((value) => !Number.isNaN(value))).sort();
    if (present.length === 0) continue;
    const q1 = quantileSorted(present, 0.25);
    const q3 = quantileSorted(present, 0.75);
    const spread = q3 - q1;
    const lowerFence = q1 - k * spread;
    const upperFence = q3 + k * spread;
    const outlying: { row: number; distance: number }[] = [];
    let below = 0;
    let above = 0;
    col.values.forEach((value, row) => {
      if (value < lowerFence) {
        below++;
        outlying.push({ row, distance: lowerFence - value });
      } else if (value > upperFence) {
        above++;
        outlying.push({ row, distance: value - upperFence });
      }
    });
    outlying.sort((a, b) => b.distance - a.distance || a.row - b.row);
    found.push({
      name: col.name,
      q1,
      q3,
      lowerFence,
      upperFence,
      below,
      above,
      share: (below + above) / present.length,
      rows: outlying.map((entry) => entry.row),
    });
  }
  return found;
}
