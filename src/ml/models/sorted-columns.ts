// The training matrix as the tree grower reads it: each feature sorted once per fit (pre-sorted splitting),
// and each value replaced by its rank among the feature's distinct values, so that split search compares
// small integers (NaN included: it ranks last) and thresholds come from the distinct values table.

export interface SortedColumns {
  rows: number;
  features: number;
  /** features × rows, column-major: the rank of the row's value among the feature's distinct values. */
  ranks: Int32Array;
  /** features × rows: per feature, the row indices in ascending value order (ties by row index, NaN last). */
  order: Int32Array;
  /** Per feature, its distinct float32 values ascending (NaN last, if present): rank → value. */
  distinct: Float32Array[];
}

/** `x` is row-major float32, rows × features. */
export function sortColumns(x: Float32Array, rows: number, features: number): SortedColumns {
  const ranks = new Int32Array(features * rows);
  const order = new Int32Array(features * rows);
  const distinct: Float32Array[] = [];
  const column = new Float64Array(rows);
  const sortKey = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let i = 0; i < rows; i++) {
      const value = x[i * features + f] as number;
      column[i] = value;
      sortKey[i] = Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
    }
    const sorted = order.subarray(f * rows, (f + 1) * rows);
    for (let i = 0; i < rows; i++) sorted[i] = i;
    sorted.sort((a, b) => {
      const byKey = (sortKey[a] as number) - (sortKey[b] as number);
      if (byKey !== 0 && !Number.isNaN(byKey)) return byKey;
      // Equal keys: +Infinity before NaN, then by row.
      const aNaN = Number.isNaN(column[a] as number) ? 1 : 0;
      const bNaN = Number.isNaN(column[b] as number) ? 1 : 0;
      return aNaN - bNaN || a - b;
    });
    const values: number[] = [];
    let previous = Number.NaN;
    let previousIsSet = false;
    const rankOffset = f * rows;
    for (let p = 0; p < rows; p++) {
      const row = sorted[p] as number;
      const value = column[row] as number;
      if (!previousIsSet || !sameValue(value, previous)) {
        values.push(value);
        previous = value;
        previousIsSet = true;
      }
      ranks[rankOffset + row] = values.length - 1;
    }
    distinct.push(Float32Array.from(values));
  }
  return { rows, features, ranks, order, distinct };
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
