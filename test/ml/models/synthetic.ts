// Small generated training sets for the model tests (seeded, so every run sees the same data).
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { createRandom } from "../../../src/ml/random.js";

/** Friedman #1: y = 10 sin(π x0 x1) + 20 (x2 − ½)² + 10 x3 + 5 x4 (+ noise), plus `extra` pure-noise features. */
export function friedman(rows: number, seed: number, { noise = 0, extra = 1 } = {}): TrainingSet {
  const random = createRandom(seed);
  const width = 5 + extra;
  const x = new Float32Array(rows * width);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < width; f++) x[i * width + f] = random.next();
    const v = (f: number) => x[i * width + f] as number;
    y[i] =
      10 * Math.sin(Math.PI * v(0) * v(1)) +
      20 * (v(2) - 0.5) ** 2 +
      10 * v(3) +
      5 * v(4) +
      noise * (random.next() - 0.5);
  }
  return {
    task: "regression",
    x,
    rows,
    features: Array.from({ length: width }, (_, f) => `x${f}`),
    y,
  };
}

/** Points in the unit square; the class is the quadrant-like sector around (½, ½), for `classes` sectors. */
export function sectors(rows: number, classes: number, seed: number, { flip = 0 } = {}): TrainingSet {
  const random = createRandom(seed);
  const x = new Float32Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = random.next();
    const b = random.next();
    x[i * 3] = a;
    x[i * 3 + 1] = b;
    x[i * 3 + 2] = random.next();
    const angle = Math.atan2(b - 0.5, a - 0.5) + Math.PI;
    let label = Math.min(classes - 1, Math.floor((angle / (2 * Math.PI)) * classes));
    if (random.next() < flip) label = random.int(classes);
    y[i] = label;
  }
  return {
    task: "classification",
    x,
    rows,
    features: ["a", "b", "noise"],
    y,
    classes: Array.from({ length: classes }, (_, k) => `class${k}`),
  };
}

export function meanSquaredError(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += ((predicted[i] as number) - (actual[i] as number)) ** 2;
  return sum / actual.length;
}

export function variance(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] as number;
  mean /= values.length;
  return meanSquaredError(new Float64Array(values.length).fill(mean), values);
}

/** Index of the largest value in each row of a rows × width matrix. */
export function argmaxRows(values: Float64Array, width: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += width) {
    let best = 0;
    for (let k = 1; k < width; k++)
      if ((values[start + k] as number) > (values[start + best] as number)) best = k;
    out.push(best);
  }
  return out;
}
