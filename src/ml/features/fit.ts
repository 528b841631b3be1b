// Fits the featurizer declared in params (features.steps) on the training split and returns it in the JSON
// format of featurizer-spec.ts. Each step is fitted on the columns as the previous steps left them, by running the
// contract's own applyFeaturizer, so fitted statistics and applied transforms cannot drift apart.

import { encodeCategory } from "../../artifact/category-code.js";
import { datePartName } from "../../artifact/date-features.js";
import { unreachable } from "../../result.js";
import type { Profile } from "../data/profile.js";
import { quantileSorted, sortCategories } from "../data/profiling.js";
import type { Table } from "../data/table.js";
import { err, ok, type Result } from "../errors.js";
import type { FeatureStepParams, FeaturesParams } from "../params.js";
import type { KeyPath } from "../params-file.js";
import { suggestion } from "../params-file.js";
import { sortFloat32 } from "../sort-floats.js";
import { describeExpressionError, expressionColumns, parseExpression } from "./expression.js";
import {
  applyFeaturizer,
  FEATURIZER_FORMAT,
  type Featurizer,
  type FeaturizerStep,
  type RawFeature,
} from "./featurizer-spec.js";
import { rawMatrix } from "./training-set.js";

/** A problem with one step; `path` is relative to the `features` section of params.yaml. */
export interface FeatureError {
  path: KeyPath;
  message: string;
}

interface WorkingColumn {
  values: Float32Array;
  /** The raw input it still is (for categoricals: how its values are coded), or undefined once derived. */
  input?: RawFeature;
  categorical: boolean;
}

/**
 * The raw inputs of a featurizer: every profiled feature, in file order; a date column is replaced by the parts its
 * `date` step derives (`<column>.<part>`, numeric), and must have such a step.
 */
export function rawFeatures(
  profile: Profile,
  steps: FeatureStepParams[] = [],
): Result<RawFeature[], FeatureError> {
  const dateSteps = new Map<string, { step: Extract<FeatureStepParams, { op: "date" }>; index: number }>();
  for (const [index, step] of steps.entries()) {
    if (step.op !== "date") continue;
    for (const [k, name] of step.columns.entries()) {
      const at = (message: string): Result<never, FeatureError> =>
        err({ path: ["steps", index, "columns", k], message: `"${name}": ${message}` });
      const feature = profile.features.find((candidate) => candidate.name === name);
      if (!feature)
        return at(
          `no such column${suggestion(
            name,
            profile.features.map((f) => f.name),
          )}`,
        );
      if (feature.kind !== "date")
        return at(`not a date column; declare it with \`type: date\` under dataset.columns.${name}`);
      if (dateSteps.has(name)) return at("already has a date step");
      dateSteps.set(name, { step, index });
    }
  }
  const inputs: RawFeature[] = [];
  for (const feature of profile.features) {
    if (feature.kind === "date") {
      const found = dateSteps.get(feature.name);
      if (!found)
        return err({
          path: ["steps"],
          message: `date column "${feature.name}" needs a date step, e.g. {op: date, columns: [${feature.name}], parts: [year, month, day_of_week]} (or list it in dataset.drop)`,
        });
      for (const part of found.step.parts)
        inputs.push({
          name: datePartName(feature.name, part),
          kind: "numeric",
          date: {
            column: feature.name,
            part,
            ...(feature.format === undefined ? {} : { format: feature.format }),
            ...(part === "days_since" ? { reference: found.step.reference } : {}),
          },
        });
    } else if (feature.kind === "categorical")
      inputs.push({
        name: feature.name,
        kind: "categorical",
        categories: sortCategories(feature.categories?.values ?? []),
      });
    else inputs.push({ name: feature.name, kind: "numeric" });
  }
  const clash = inputs.find((input, i) => inputs.findIndex((other) => other.name === input.name) !== i);
  if (clash)
    return err({ path: ["steps"], message: `the date part "${clash.name}" is also a column of the data` });
  return ok(inputs);
}

export function fitFeaturizer(
  train: Table,
  profile: Profile,
  params: FeaturesParams,
): Result<Featurizer, FeatureError> {
  const rawInputs = rawFeatures(profile, params.steps);
  if (!rawInputs.ok) return rawInputs;
  const inputs = rawInputs.value;
  const raw = rawMatrix(train, inputs);
  const width = inputs.length;
  const columns = new Map<string, WorkingColumn>();
  inputs.forEach((input, j) => {
    const values = new Float32Array(train.rows);
    for (let i = 0; i < train.rows; i++) values[i] = raw[i * width + j] as number;
    columns.set(input.name, { values, input, categorical: input.kind === "categorical" });
  });
  let order = inputs.map((input) => input.name);
  const steps: FeaturizerStep[] = [];

  for (const [index, stepParams] of params.steps.entries()) {
    if (stepParams.op === "date") continue;
    const fitted = fitStep(stepParams, columns);
    if (!fitted.ok) {
      const { path, message } = fitted.error;
      return err({ path: ["steps", index, ...path], message });
    }
    for (const step of fitted.value) {
      applyStep(step, columns, train.rows);
      order = nextOrder(order, step);
      steps.push(step);
    }
  }

  for (const [index, name] of params.exclude.entries()) {
    if (!order.includes(name))
      return err({ path: ["exclude", index], message: `no column "${name}"${suggestion(name, order)}` });
  }
  const outputs = order.filter((name) => !params.exclude.includes(name));
  if (outputs.length === 0) return err({ path: ["exclude"], message: "leaves the model no input columns" });
  for (const name of outputs) {
    const values = (columns.get(name) as WorkingColumn).values;
    const row = values.findIndex((value) => !Number.isFinite(value));
    if (row >= 0) {
      const what = Number.isNaN(values[row]) ? "a missing value" : "an infinite value";
      return err({
        path: ["steps"],
        message: `model input "${name}" has ${what} in training row ${row + 1}; add an impute (or clip) step for it`,
      });
    }
  }
  return ok({ format: FEATURIZER_FORMAT, inputs, steps, outputs });
}

function fitStep(
  step: Exclude<FeatureStepParams, { op: "date" }>,
  columns: Map<string, WorkingColumn>,
): Result<FeaturizerStep[], FeatureError> {
  if (step.op === "derive") return fitDerive(step, columns);
  const fitted: FeaturizerStep[] = [];
  for (const [index, name] of step.columns.entries()) {
    const col = columns.get(name);
    const at = (message: string): Result<never, FeatureError> =>
      err({ path: ["columns", index], message: `"${name}": ${message}` });
    if (!col) return at(`no such column${suggestion(name, [...columns.keys()])}`);
    const present = presentSorted(col.values);
    switch (step.op) {
      case "impute": {
        const value = imputeValue(step, col, present);
        if (!value.ok) return at(value.error);
        fitted.push({ op: "impute", column: name, strategy: step.strategy, value: value.value });
        break;
      }
      case "log1p":
        if (col.categorical) return at("log1p applies to numeric columns, this one is categorical");
        if (present.length > 0 && (present[0] as number) <= -1)
          return at(`log1p needs values above -1; the training minimum is ${present[0]}`);
        fitted.push({ op: "log1p", column: name });
        break;
      case "scale": {
        if (col.categorical) return at("scale applies to numeric columns, this one is categorical");
        const { mean, std } = meanStd(present);
        fitted.push({ op: "scale", column: name, mean, std: std > 0 ? std : 1 });
        break;
      }
      case "clip": {
        if (col.categorical) return at("clip applies to numeric columns, this one is categorical");
        const [low, high] = step.quantiles
          ? [quantileSorted(present, step.quantiles[0]), quantileSorted(present, step.quantiles[1])]
          : [step.min ?? Number.NEGATIVE_INFINITY, step.max ?? Number.POSITIVE_INFINITY];
        if (present.length === 0 && step.quantiles) return at("has no training values to fit quantiles on");
        if (low > high) return at(`clip bounds are reversed (${low} > ${high})`);
        fitted.push({ op: "clip", column: name, min: low, max: high });
        break;
      }
      case "onehot": {
        if (!col.categorical || !col.input)
          return at("onehot applies to categorical columns (list it in dataset.categorical)");
        const categories = col.input.categories ?? [];
        const codes = categories.map((category) => encodeCategory(col.input as RawFeature, category));
        const outputs = categories.map((category) => `${name}=${category}`);
        const clash = outputs.find((output) => columns.has(output));
        if (clash) return at(`the indicator column "${clash}" already exists`);
        fitted.push({ op: "onehot", column: name, codes, outputs });
        break;
      }
      default:
        return unreachable(step);
    }
  }
  return ok(fitted);
}

function fitDerive(
  step: Extract<FeatureStepParams, { op: "derive" }>,
  columns: Map<string, WorkingColumn>,
): Result<FeaturizerStep[], FeatureError> {
  if (columns.has(step.name))
    return err({ path: ["name"], message: `a column named "${step.name}" already exists` });
  const parsed = parseExpression(step.expr);
  if (!parsed.ok) return err({ path: ["expr"], message: describeExpressionError(step.expr, parsed.error) });
  for (const name of expressionColumns(parsed.value)) {
    const col = columns.get(name);
    if (!col)
      return err({
        path: ["expr"],
        message: `no column "${name}"${suggestion(name, [...columns.keys()])} in "${step.expr}"`,
      });
    if (
      col.input?.kind === "categorical" &&
      col.input.categories?.some((category) => typeof category === "string")
    )
      return err({
        path: ["expr"],
        message: `"${name}" holds text categories; it cannot be used in arithmetic`,
      });
  }
  return ok([{ op: "expression", output: step.name, source: step.expr, expr: parsed.value }]);
}

function imputeValue(
  step: Extract<FeatureStepParams, { op: "impute" }>,
  col: WorkingColumn,
  present: Float32Array,
): Result<number, string> {
  if (col.categorical && (step.strategy === "mean" || step.strategy === "median"))
    return err(
      `strategy "${step.strategy}" does not apply to a categorical column; use most_frequent or constant`,
    );
  if (step.strategy === "constant") {
    const value = step.value as string | number;
    if (typeof value === "number") return ok(value);
    if (col.input?.kind !== "categorical")
      return err(`the constant "${value}" is text; this column is numeric`);
    const code = encodeCategory(col.input, value);
    if (code < 0) return err(`"${value}" is not a category seen in training`);
    return ok(code);
  }
  if (present.length === 0) return err("has no training values to impute from");
  switch (step.strategy) {
    case "mean":
      return ok(meanStd(present).mean);
    case "median":
      return ok(quantileSorted(present, 0.5));
    case "most_frequent":
      return ok(mostFrequent(present));
    default:
      return unreachable(step.strategy);
  }
}

/** Runs one fitted step over the working columns with the contract's applyFeaturizer. */
function applyStep(step: FeaturizerStep, columns: Map<string, WorkingColumn>, rows: number): void {
  // Only the columns the step reads: one step per column would otherwise copy every column each time.
  const names = step.op === "expression" ? [...columns.keys()] : [step.column];
  const width = names.length;
  const raw = new Float32Array(rows * width);
  names.forEach((name, j) => {
    const values = (columns.get(name) as WorkingColumn).values;
    for (let i = 0; i < rows; i++) raw[i * width + j] = values[i] as number;
  });
  const outputs =
    step.op === "onehot" ? step.outputs : step.op === "expression" ? [step.output] : [step.column];
  const result = applyFeaturizer(
    {
      format: FEATURIZER_FORMAT,
      inputs: names.map((name) => ({ name, kind: "numeric" })),
      steps: [step],
      outputs,
    },
    raw,
  );
  outputs.forEach((name, k) => {
    const values = new Float32Array(rows);
    for (let i = 0; i < rows; i++) values[i] = result[i * outputs.length + k] as number;
    const previous = columns.get(name);
    const keepsIdentity = previous && (step.op === "impute" || step.op === "clip");
    columns.set(name, {
      values,
      ...(keepsIdentity && previous.input ? { input: previous.input } : {}),
      categorical: keepsIdentity ? previous.categorical : false,
    });
  });
}

/** Column order after `step`: one-hot indicators take their source's place; derived columns go last. */
function nextOrder(order: string[], step: FeaturizerStep): string[] {
  if (step.op === "onehot") return order.flatMap((name) => (name === step.column ? step.outputs : [name]));
  if (step.op === "expression") return [...order, step.output];
  return order;
}

function presentSorted(values: Float32Array): Float32Array {
  const present = new Float32Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isNaN(value)) present[count++] = value;
  }
  return sortFloat32(present.subarray(0, count));
}

function meanStd(values: Float32Array): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 1 };
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** The most frequent value of sorted values (the smallest on ties). */
function mostFrequent(sorted: Float32Array): number {
  let best = sorted[0] as number;
  let bestCount = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    if (end - start > bestCount) {
      bestCount = end - start;
      best = sorted[start] as number;
    }
    start = end;
  }
  return best;
}
