// The model type named in params.yaml (model.type), checked against the task; errors point at its line.
import { fail, ok, type Result } from "./errors.js";
import { getModelType } from "./models/index.js";
import type { ModelType, Task } from "./models/model-type.js";
import type { MlParams } from "./params.js";

export function modelTypeFor(params: MlParams, name: string, task: Task): Result<ModelType<unknown>> {
  const found = getModelType(name);
  if (!found.ok) return fail(params.file.error(["model", "type"], found.error.message));
  if (!found.modelType.tasks.includes(task))
    return fail(params.file.error(["model", "type"], `model type "${name}" does not support ${task}`));
  return ok(found.modelType);
}
