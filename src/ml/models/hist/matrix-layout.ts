// Where the value of feature f in row r of a rows × features float32 matrix lies in its flat array:
// x[r · rowStride + f · featureStride]. The training rows come row-major; the worker threads' copy of them is
// column-major, so that a feature's values are one run of memory to read.

export interface MatrixLayout {
  readonly rowStride: number;
  readonly featureStride: number;
}

export const rowMajor = (features: number): MatrixLayout => ({ rowStride: features, featureStride: 1 });
export const columnMajor = (rows: number): MatrixLayout => ({ rowStride: 1, featureStride: rows });

/** Rows transposed per block: a block of the row-major source stays in cache while each column is written. */
const TRANSPOSE_ROWS = 1024;

/** Copies row-major `x` (rows × features) into `into`, column-major. */
export function transposeToColumns(
  x: Float32Array,
  rows: number,
  features: number,
  into: Float32Array,
): void {
  for (let start = 0; start < rows; start += TRANSPOSE_ROWS) {
    const end = Math.min(rows, start + TRANSPOSE_ROWS);
    for (let f = 0; f < features; f++) copyColumnPart(x, features, f, into, f * rows, start, end);
  }
}

/** Feature f of rows [start, end) of row-major x into into[column + row]. */
function copyColumnPart(
  x: Float32Array,
  features: number,
  f: number,
  into: Float32Array,
  column: number,
  start: number,
  end: number,
): void {
  for (let row = start, at = start * features + f; row < end; row++, at += features)
    into[column + row] = x[at] as number;
}
