// What every drift test compares: a reference histogram from the training profile (bin proportions and the number
// of rows they came from) and the counts of live rows in the same bins.
// Numeric bins are ordered: bin i holds values in (edges[i-1], edges[i]], the outer ones open-ended. Categorical bins
// are the categories, in any order.

export interface ReferenceHistogram {
  kind: "numeric" | "categorical";
  proportions: readonly number[];
  /** Training rows behind the proportions: the tests are two-sample, so the reference's own noise counts. */
  rows: number;
  /** Numeric only: the bin edges (one fewer than the bins). */
  edges?: readonly number[];
  /** Numeric only: the training standard deviation, the unit of the Wasserstein distance. */
  std?: number;
}

export function total(counts: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i] as number;
  return sum;
}

export function toProportions(counts: ArrayLike<number>): number[] {
  const sum = total(counts);
  return Array.from(counts, (count) => (sum === 0 ? 0 : count / sum));
}

/** The index of the bin a value falls in: bin i holds (edges[i-1], edges[i]]. */
export function binOf(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (edges[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Counts of `values` per bin; NaN (missing) falls in no bin. */
export function countInBins(edges: ArrayLike<number>, values: Iterable<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    const bin = binOf(edges, value);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}
