// The model types the pipeline can train, by the name params.yaml uses (`model.type`).
import { err, ok, type Result } from "../../result.js";
import { forest } from "./forest.js";
import { gbt } from "./gbt.js";
import { mlRandomForest } from "./ml-random-forest.js";
import type { ModelType } from "./model-type.js";

export { compileEnsemble } from "./batch-predictor.js";
export { impurityImportance } from "./feature-importance.js";
export { type InvalidParams, parseModelParams } from "./model-params.js";

const MODEL_TYPES = {
  forest,
  gbt,
  "ml-random-forest": mlRandomForest,
} satisfies Record<string, ModelType<unknown>>;

export type ModelTypeName = keyof typeof MODEL_TYPES;

export const MODEL_TYPE_NAMES = Object.keys(MODEL_TYPES) as ModelTypeName[];

export interface UnknownModelType {
  kind: "unknown-model-type";
  name: string;
  message: string;
}

export function isModelTypeName(name: string): name is ModelTypeName {
  return Object.hasOwn(MODEL_TYPES, name);
}

/** The model type called `name`, or an error value listing the known names. */
export function getModelType(name: string): Result<ModelType<unknown>, UnknownModelType> {
  if (isModelTypeName(name)) return ok(MODEL_TYPES[name]);
  return err({
    kind: "unknown-model-type",
    name,
    message: `unknown model type "${name}"; known types: ${MODEL_TYPE_NAMES.join(", ")}`,
  });
}
