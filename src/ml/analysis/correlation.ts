// Pearson correlations between numeric columns, each pair over the rows where both values are present.
import type { Matrix } from "../../charts/heatmap.js";
import type { Table } from "../data/table.js";

export function correlationMatrix(table: Table, names?: string[]): Matrix {
  const columns = table.columns.filter(
    (col): col is Extract<typeof col, { values: Float64Array }> =>
      col.dtype !== "string" && (names === undefined || names.includes(col.name)),
  );
  const values = columns.map((a, i) => columns.map((b, j) => (i === j ? 1 : pearson(a.values, b.values))));
  const labels = columns.map((col) => col.name);
  return { rows: labels, columns: labels, values };
}

/** Pearson's r over the pairs where neither value is NaN; NaN when fewer than 2 pairs or a constant side. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let meanX = 0;
  let meanY = 0;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  // Welford-style updates: stable for large values and long columns.
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    const dx = a - meanX;
    meanX += dx / n;
    const dy = b - meanY;
    meanY += dy / n;
    cxy += dx * (b - meanY);
    cxx += dx * (a - meanX);
    cyy += dy * (b - meanY);
  }
  if (n < 2 || cxx === 0 || cyy === 0) return Number.NaN;
  return cxy / Math.sqrt(cxx * cyy);
}

export interface TargetCorrelation {
  feature: string;
  r: number;
}

/** The features most correlated with `target`, strongest (by |r|) first; NaN correlations are left out. */
export function strongestCorrelations(matrix: Matrix, target: string, limit = Infinity): TargetCorrelation[] {
  const row = matrix.rows.indexOf(target);
  if (row < 0) throw new Error(`"${target}" is not in the correlation matrix`);
  return matrix.columns
    .map((feature, j) => ({ feature, r: matrix.values[row]?.[j] ?? Number.NaN }))
    .filter(({ feature, r }) => feature !== target && !Number.isNaN(r))
    .sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || (a.feature < b.feature ? -1 : 1))
    .slice(0, limit);
}
