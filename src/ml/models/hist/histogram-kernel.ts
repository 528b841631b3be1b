// Boosting's histogram pass (two channels: gradient and hessian) over a run of contiguous features, as a function
// generated for its feature count with the loop over features unrolled. V8 runs the straight-line body per row
// ~40% faster than a loop of a few iterations (each iteration pays its back-edge check and bounds checks, and
// the short loop's exit is a branch per row). Same additions in the same order as the loop: same sums.
import { HISTOGRAM_BINS } from "./histogram.js";

/**
 * Adds each row's (values[2·row], values[2·row + 1]) of index[from … to) to `out` at
 * at0 + k·HISTOGRAM_BINS·2 + 2·bin, for the features first + k (k < the kernel's count).
 */
export type HistogramKernel = (
  index: Uint32Array,
  from: number,
  to: number,
  bins: Uint8Array,
  features: number,
  first: number,
  values: Float64Array,
  out: Float64Array,
  at0: number,
) => void;

/** Beyond this many features a kernel's body would be long for little gain: the caller loops instead. */
export const MAX_UNROLLED_FEATURES = 64;

const kernels = new Map<number, HistogramKernel>();

/** The kernel for `count` features (1 … MAX_UNROLLED_FEATURES), generated once per thread. */
export function histogramKernel(count: number): HistogramKernel {
  const known = kernels.get(count);
  if (known !== undefined) return known;
  const stride = HISTOGRAM_BINS * 2;
  const lines: string[] = [];
  for (let k = 0; k < count; k++)
    lines.push(
      `i = at0 + ${k * stride} + (bins[b + ${k}] << 1); out[i] = out[i] + g; out[i + 1] = out[i + 1] + h;`,
    );
  const body = `
    for (let p = from; p < to; p++) {
      const row = index[p];
      const g = values[row << 1];
      const h = values[(row << 1) + 1];
      const b = row * features + first;
      let i = 0;
      ${lines.join("\n      ")}
    }`;
  const kernel = new Function(
    "index",
    "from",
    "to",
    "bins",
    "features",
    "first",
    "values",
    "out",
    "at0",
    body,
  ) as HistogramKernel;
  kernels.set(count, kernel);
  return kernel;
}
