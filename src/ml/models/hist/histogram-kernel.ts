// Boosting's histogram pass (two channels: gradient and hessian) over a run of contiguous features, as a function
// generated for the fit's matrix and the run's length:
//   - the loop over features is unrolled: V8 runs the straight-line body per row far faster than a loop of a
//     few iterations (each iteration pays its back-edge check and bounds checks);
//   - the bins, the values and the histogram it adds into are constants of the function (a closure made once),
//     so the optimised code holds their addresses and lengths instead of reloading them after every store;
//     it adds into its own accumulator, copied to the node's histogram afterwards.
// Same additions in the same order as a loop over the rows and features: the same sums.
import { generatedFunction } from "./generated-code.js";
import { HISTOGRAM_BINS } from "./histogram.js";
import { copyElements } from "./shared-copy.js";

/** Adds the rows index[from … to) for the features first … first + count − 1 into the kernel's accumulator. */
type Kernel = (index: Uint32Array, from: number, to: number, first: number) => void;

/** Beyond this many features a kernel's body would be long for little gain: longer runs are done in parts. */
export const MAX_UNROLLED_FEATURES = 64;

const STRIDE = HISTOGRAM_BINS * 2;

/** The kernels of one matrix (each thread has its own module instance, so its own kernels). */
interface Kernels {
  bins: Uint8Array;
  values: Float64Array;
  features: number;
  accumulator: Float64Array;
  byCount: Map<number, Kernel>;
}
const byValues = new WeakMap<Float64Array, Kernels>();

function kernelFor(bins: Uint8Array, values: Float64Array, features: number, count: number): Kernels {
  let current = byValues.get(values);
  if (current?.bins !== bins || current.features !== features) {
    current = {
      bins,
      values,
      features,
      accumulator: new Float64Array(MAX_UNROLLED_FEATURES * STRIDE),
      byCount: new Map(),
    };
    byValues.set(values, current);
  }
  if (!current.byCount.has(count)) {
    const lines: string[] = [];
    for (let k = 0; k < count; k++)
      lines.push(
        `i = ${k * STRIDE} + (bins[b + ${k}] << 1); out[i] = out[i] + g; out[i + 1] = out[i + 1] + h;`,
      );
    const source = `
      const bins = binsArray;
      const values = valuesArray;
      const out = accumulator;
      return function histogramKernel(index, from, to, first) {
        for (let p = from; p < to; p++) {
          const row = index[p];
          const g = values[row << 1];
          const h = values[(row << 1) + 1];
          const b = row * ${features} + first;
          let i = 0;
          ${lines.join("\n          ")}
        }
      };`;
    const make = generatedFunction(["binsArray", "valuesArray", "accumulator"], source) as (
      bins: Uint8Array,
      values: Float64Array,
      accumulator: Float64Array,
    ) => Kernel;
    current.byCount.set(count, make(bins, values, current.accumulator));
  }
  return current;
}

/**
 * Writes the histogram of the rows of `segments` (pairs (from, to) of index, in order) for the features
 * first … first + count − 1 to out[at …]: per feature, HISTOGRAM_BINS × (Σ values[2·row], Σ values[2·row + 1]).
 */
export function boostingHistogram(
  bins: Uint8Array,
  values: Float64Array,
  features: number,
  index: Uint32Array,
  segments: Int32Array,
  first: number,
  count: number,
  out: Float64Array,
  at: number,
): void {
  for (let done = 0; done < count; done += MAX_UNROLLED_FEATURES) {
    const run = Math.min(MAX_UNROLLED_FEATURES, count - done);
    const { accumulator, byCount } = kernelFor(bins, values, features, run);
    const kernel = byCount.get(run) as Kernel;
    const length = run * STRIDE;
    accumulator.fill(0, 0, length);
    for (let s = 0; s < segments.length; s += 2)
      kernel(index, segments[s] as number, segments[s + 1] as number, first + done);
    copyElements(out, at + done * STRIDE, accumulator, 0, length);
  }
}
