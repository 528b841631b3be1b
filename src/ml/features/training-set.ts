// From a typed table to what models consume: the raw float32 feature matrix in the featurizer's input order
// (categoricals encoded with encodeCategory), the featurized rows, and the target (regression values or class
// indices). Training, tuning, evaluation and notebooks all go through here, so they featurize identically.
import { encodeCategory } from "../../artifact/category-code.js";
import { datePartReader } from "../../artifact/date-features.js";
import type { Profile } from "../data/profile.js";
import { type Column, column, type Table } from "../data/table.js";
import { err, ok, type Result } from "../errors.js";
import type { Task, TrainingSet } from "../models/model-type.js";
import { applyFeaturizer, type Featurizer, type RawFeature } from "./featurizer-spec.js";

/** Row-major float32 n × inputs.length, as the server's input tensor. */
export function rawMatrix(table: Table, inputs: RawFeature[]): Float32Array {
  const width = inputs.length;
  const matrix = new Float32Array(table.rows * width);
  inputs.forEach((input, j) => {
    if (input.date) {
      const texts = column(table, input.date.column).values;
      const part = datePartReader(input.date);
      for (let i = 0; i < table.rows; i++) {
        const text = texts[i] ?? null;
        matrix[i * width + j] = typeof text === "string" ? part(text) : Number.NaN;
      }
      return;
    }
    const col = column(table, input.name);
    for (let i = 0; i < table.rows; i++) matrix[i * width + j] = encodeValue(input, col, i);
  });
  return matrix;
}

function encodeValue(input: RawFeature, col: Column, row: number): number {
  const value = col.values[row] ?? null;
  if (input.kind === "categorical") return encodeCategory(input, value);
  return typeof value === "number" ? value : Number.NaN;
}

/** The model's class labels for a classification profile (sorted categories of the training target). */
export function classesOf(profile: Profile): (string | number)[] {
  return profile.target.categories?.values ?? [];
}

/** Regression: the target values. Classification: each row's index into `classes`; an unknown label is an error. */
export function targetVector(
  table: Table,
  target: string,
  task: Task,
  classes: (string | number)[],
  file: string,
): Result<Float64Array> {
  const col = column(table, target);
  const y = new Float64Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    const value = col.values[i] ?? null;
    if (task === "regression") {
      y[i] = value as number;
      continue;
    }
    const index = classes.indexOf(value as string | number);
    if (index < 0)
      return err({
        kind: "data",
        file,
        column: target,
        row: i + 1,
        message: `class "${value}" does not occur in the training split`,
      });
    y[i] = index;
  }
  return ok(y);
}

/** The featurized training set for `table` (train, a fold, or test). */
export function trainingSet(
  table: Table,
  featurizer: Featurizer,
  profile: Profile,
  task: Task,
  file: string,
): Result<TrainingSet> {
  const classes = task === "classification" ? classesOf(profile) : undefined;
  const y = targetVector(table, profile.target.name, task, classes ?? [], file);
  if (!y.ok) return y;
  const x = applyFeaturizer(featurizer, rawMatrix(table, featurizer.inputs));
  return ok({
    task,
    x,
    rows: table.rows,
    features: [...featurizer.outputs],
    y: y.value,
    ...(classes ? { classes } : {}),
  });
}

/** The rows at `indices` of a training set (folds in cross-validation). */
export function subset(data: TrainingSet, indices: ArrayLike<number>): TrainingSet {
  const width = data.features.length;
  const x = new Float32Array(indices.length * width);
  const y = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    x.set(data.x.subarray(row * width, (row + 1) * width), i * width);
    y[i] = data.y[row] as number;
  }
  return { ...data, x, y, rows: indices.length };
}
