// The benchmark's data: a numeric CSV read by a small reader (the pipeline's loader lives in src/ml/data),
// split by the exact row indices scikit-learn's baseline uses.
import { readFileSync } from "node:fs";
import type { TrainingSet } from "../src/ml/models/model-type.js";

export interface BenchSplit {
  train: TrainingSet;
  test: { x: Float32Array; y: Float64Array; rows: number };
}

export function loadSplit(csvPath: string, splitPath: string, target: string): BenchSplit {
  const [header, ...lines] = readFileSync(csvPath, "utf8").trim().split(/\r?\n/);
  const columns = (header ?? "").split(",");
  const targetIndex = columns.indexOf(target);
  if (targetIndex < 0) throw new Error(`${csvPath} has no column "${target}"`);
  const features = columns.filter((_, c) => c !== targetIndex);
  const table = lines.map((line) => line.split(",").map(Number));
  const split = JSON.parse(readFileSync(splitPath, "utf8")) as { train: number[]; test: number[] };
  const pick = (indices: number[]) => {
    const x = new Float32Array(indices.length * features.length);
    const y = new Float64Array(indices.length);
    indices.forEach((row, i) => {
      const values = table[row] ?? [];
      let f = 0;
      values.forEach((value, c) => {
        if (c === targetIndex) y[i] = value;
        else x[i * features.length + f++] = value;
      });
    });
    return { x, y, rows: indices.length };
  };
  return { train: { task: "regression", features, ...pick(split.train) }, test: pick(split.test) };
}

/** `factor` copies of the rows, each value jittered by 1 % of its column's standard deviation (seeded). */
export function replicateRows(data: TrainingSet, factor: number, seed: number): TrainingSet {
  const width = data.features.length;
  let state = seed >>> 0;
  const gaussian = () => {
    // Box–Muller on a mulberry32 stream: enough for jitter.
    const uniform = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  };
  const spread = (values: (i: number) => number) => {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < data.rows; i++) {
      sum += values(i);
      squares += values(i) ** 2;
    }
    const mean = sum / data.rows;
    return Math.sqrt(Math.max(0, squares / data.rows - mean * mean));
  };
  const columnSpread = Array.from({ length: width }, (_, f) =>
    spread((i) => data.x[i * width + f] as number),
  );
  const targetSpread = spread((i) => data.y[i] as number);
  const rows = data.rows * factor;
  const x = new Float32Array(rows * width);
  const y = new Float64Array(rows);
  for (let copy = 0; copy < factor; copy++) {
    for (let i = 0; i < data.rows; i++) {
      const row = copy * data.rows + i;
      const jitter = copy > 0 ? 0.01 : 0;
      for (let f = 0; f < width; f++)
        x[row * width + f] =
          (data.x[i * width + f] as number) + jitter * (columnSpread[f] as number) * gaussian();
      y[row] = (data.y[i] as number) + jitter * targetSpread * gaussian();
    }
  }
  return { ...data, x, y, rows };
}
