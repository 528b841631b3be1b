// The model type named in params.yaml (model.type), checked against the task; errors point at its line. Under
// `model.type: auto` the tune stage searches over model.candidates, and train fits the type the search chose.
import { err, ok, type Result } from "./errors.js";
import { getModelType, MODEL_TYPE_NAMES } from "./models/index.js";
import type { ModelType, Task } from "./models/model-type.js";
import type { MlParams, ModelParams } from "./params.js";
import type { KeyPath } from "./params-file.js";
import { PATHS } from "./paths.js";
import type { TuneSummary } from "./tune/summary.js";

/** model.type that searches over several model types (a conditional space). */
export const AUTO = "auto";

export function modelTypeFor(
  params: MlParams,
  name: string,
  task: Task,
  at: KeyPath = ["model", "type"],
): Result<ModelType<unknown>> {
  const found = getModelType(name);
  if (!found.ok) {
    const message =
      at[1] === "type"
        ? `${found.error.message}, or "${AUTO}" to search over model.candidates`
        : found.error.message;
    return err(params.file.error(at, message));
  }
  if (!found.value.tasks.includes(task))
    return err(params.file.error(at, `model type "${name}" does not support ${task}`));
  return ok(found.value);
}

export interface ModelCandidate {
  modelType: ModelType<unknown>;
  /** Its fixed params from model.params (under auto: model.params.<type>). */
  fixedParams: Record<string, unknown>;
  /** Where those sit in params.yaml, for error messages. */
  fixedAt: KeyPath;
}

/** The model types the tune stage searches: model.type alone, or under auto each of model.candidates. */
export function modelCandidates(params: MlParams, model: ModelParams, task: Task): Result<ModelCandidate[]> {
  if (model.type !== AUTO) {
    const modelType = modelTypeFor(params, model.type, task);
    if (!modelType.ok) return modelType;
    return ok([{ modelType: modelType.value, fixedParams: model.params, fixedAt: ["model", "params"] }]);
  }
  const candidates: ModelCandidate[] = [];
  for (const [index, name] of model.candidates.entries()) {
    const modelType = modelTypeFor(params, name, task, ["model", "candidates", index]);
    if (!modelType.ok) return modelType;
    if (candidates.some((candidate) => candidate.modelType.name === name))
      return err(params.file.error(["model", "candidates", index], `"${name}" is listed twice`));
    const fixed = model.params[name] ?? {};
    if (typeof fixed !== "object" || fixed === null || Array.isArray(fixed))
      return err(
        params.file.error(["model", "params", name], `expected the fixed params of model type "${name}"`),
      );
    candidates.push({
      modelType: modelType.value,
      fixedParams: fixed as Record<string, unknown>,
      fixedAt: ["model", "params", name],
    });
  }
  const stray = Object.keys(model.params).find((key) => !model.candidates.includes(key));
  if (stray !== undefined) {
    const known = MODEL_TYPE_NAMES.includes(stray as (typeof MODEL_TYPE_NAMES)[number]);
    return err(
      params.file.error(
        ["model", "params", stray],
        known
          ? `model type "${stray}" is not in model.candidates`
          : `under model.type "${AUTO}", model.params holds one section per model type in model.candidates (${model.candidates.join(", ")})`,
      ),
    );
  }
  return ok(candidates);
}

/** The model type train fits: model.type, or under auto the one the tune stage chose; stale tuning is an error. */
export function trainedModelType(
  params: MlParams,
  model: ModelParams,
  task: Task,
  tuned: TuneSummary,
): Result<ModelType<unknown>> {
  const auto = model.type === AUTO;
  const matches = auto
    ? tuned.searched !== undefined && model.candidates.includes(tuned.modelType)
    : tuned.modelType === model.type && tuned.searched === undefined;
  if (!matches) {
    const tunedFor = tuned.searched ? `"${AUTO}" over ${tuned.searched.join(", ")}` : `"${tuned.modelType}"`;
    return err({
      kind: "artifact",
      file: PATHS.tune,
      message: `was tuned for model type ${tunedFor} but model.type is "${model.type}"; run the tune stage`,
    });
  }
  return modelTypeFor(params, tuned.modelType, task);
}
