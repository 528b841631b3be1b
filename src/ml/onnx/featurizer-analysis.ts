// What the featurizer does with each raw input, read from its steps: which raw inputs each model column depends on
// (to map split thresholds back to raw values) and which raw inputs may be missing (the manifest's `nullable`).
import { expressionColumns } from "../features/expression.js";
import type { Featurizer } from "../features/featurizer-spec.js";

export interface ColumnOrigin {
  /** The raw inputs the column is computed from. */
  inputs: Set<string>;
  /** Whether a one-hot indicator is on the way (an indicator is not a monotone function of its input). */
  indicator: boolean;
}

/** For each model input column (featurizer output), where it comes from. */
export function columnOrigins(featurizer: Featurizer): Map<string, ColumnOrigin> {
  const origins = new Map<string, ColumnOrigin>();
  for (const input of featurizer.inputs)
    origins.set(input.name, { inputs: new Set([input.name]), indicator: false });
  const of = (name: string): ColumnOrigin => origins.get(name) ?? { inputs: new Set(), indicator: false };
  for (const step of featurizer.steps) {
    if (step.op === "onehot") {
      for (const output of step.outputs)
        origins.set(output, { inputs: new Set(of(step.column).inputs), indicator: true });
    } else if (step.op === "expression") {
      const parts = expressionColumns(step.expr).map(of);
      origins.set(step.output, {
        inputs: new Set(parts.flatMap((part) => [...part.inputs])),
        indicator: parts.some((part) => part.indicator),
      });
    }
  }
  return new Map(featurizer.outputs.map((name) => [name, of(name)]));
}

/**
 * Raw inputs that may be missing (NaN): every use of the raw value is guarded, either by an impute step that comes
 * first or by a one-hot encoding (a missing category gives all zeros, like an unseen one).
 */
export function nullableInputs(featurizer: Featurizer): Set<string> {
  const nullable = new Set<string>();
  for (const input of featurizer.inputs) {
    let guarded = false;
    let unsafe = false;
    for (const step of featurizer.steps) {
      const reads = step.op === "expression" ? expressionColumns(step.expr) : [step.column];
      if (!reads.includes(input.name)) continue;
      if (step.op === "impute") {
        guarded = true;
        break;
      }
      if (step.op !== "onehot") {
        unsafe = true;
        break;
      }
    }
    if (!guarded && featurizer.outputs.includes(input.name)) unsafe = true;
    if (!unsafe) nullable.add(input.name);
  }
  return nullable;
}
