// The large-data benchmark's rows: scikit-learn's make_friedman1 (10 uniform features, 5 of them informative,
// y = 10 sin(π x0 x1) + 20 (x2 − ½)² + 10 x3 + 5 x4 + noise · N(0, 1)), generated here from a fixed seed so
// every run and every learner (ours, and the Python baselines, which read the same CSV) sees the same rows.
import { createWriteStream } from "node:fs";
import type { TrainingSet } from "../src/ml/models/model-type.js";
import { createRandom } from "../src/ml/random.js";

export interface SyntheticRows {
  x: Float32Array;
  y: Float64Array;
  rows: number;
  features: string[];
}

export function friedman1(rows: number, seed: number, { features = 10, noise = 1 } = {}): SyntheticRows {
  const random = createRandom(seed, 0x66726431);
  const x = new Float32Array(rows * features);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const at = i * features;
    for (let f = 0; f < features; f++) x[at + f] = random.next();
    const v = (f: number) => x[at + f] as number;
    y[i] =
      10 * Math.sin(Math.PI * v(0) * v(1)) +
      20 * (v(2) - 0.5) ** 2 +
      10 * v(3) +
      5 * v(4) +
      noise * random.normal();
  }
  return { x, y, rows, features: Array.from({ length: features }, (_, f) => `x${f}`) };
}

export function asTrainingSet(rows: SyntheticRows): TrainingSet {
  return { task: "regression", ...rows };
}

/** Writes the rows as float32-exact CSV (features then y), for the Python baselines. */
export async function writeCsv(path: string, rows: SyntheticRows): Promise<void> {
  const out = createWriteStream(path);
  const width = rows.features.length;
  out.write(`${[...rows.features, "y"].join(",")}\n`);
  let chunk = "";
  for (let i = 0; i < rows.rows; i++) {
    const values: string[] = [];
    for (let f = 0; f < width; f++) values.push(String(rows.x[i * width + f]));
    values.push(String(rows.y[i]));
    chunk += `${values.join(",")}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
