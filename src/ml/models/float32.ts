// Thresholds that float32 inference (onnxruntime) evaluates exactly as training did: a row goes left when
// x <= threshold, x and threshold both float32.

const word = new Float32Array(1);
const bits = new Int32Array(word.buffer);

/** The largest float32 strictly below `x`, for a float32-representable finite `x`. */
export function previousFloat32(x: number): number {
  if (x === 0) return -1.401298464324817e-45;
  word[0] = x;
  bits[0] = x > 0 ? (bits[0] as number) - 1 : (bits[0] as number) + 1;
  return word[0] as number;
}

/**
 * The threshold between two adjacent distinct float32 training values `lower` < `upper` (scikit-learn's rule):
 * their midpoint rounded to float32, or `lower` when rounding lands on `upper`. Then `x <= threshold` holds for
 * every float32 x ≤ lower and fails for every x ≥ upper. An `upper` of NaN (missing values sort last, and go
 * right since NaN <= t is false) gives `lower`.
 */
export function splitThreshold(lower: number, upper: number): number {
  const middle = Math.fround(lower / 2 + upper / 2);
  return middle === upper || Number.isNaN(middle) || middle < lower ? lower : middle;
}

/**
 * The float32 threshold t for which `x <= t` equals `x < bound` on every float32 x: the largest float32 below
 * `bound`. Converts a strict-less-than split (ml-cart's rule) to ours.
 */
export function strictBoundToThreshold(bound: number): number {
  const rounded = Math.fround(bound);
  return rounded < bound ? rounded : previousFloat32(rounded);
}
