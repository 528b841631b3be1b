import { err, ok, type Result } from "../errors.js";
import { lookupParam, type ParamsFiles } from "./params.js";
import type { Stage } from "./stage.js";

/** Every params key a stage names must exist in its params file. */
export function checkParams(stages: readonly Stage[], params: ParamsFiles): Result<void> {
  for (const stage of stages) {
    for (const param of stage.params) {
      const file = params.read(param.file);
      if (!file)
        return err({ kind: "missing-params-file", at: param.at, stage: stage.name, file: param.file });
      if (!lookupParam(file.data, param.key).found) {
        return err({
          kind: "missing-param",
          at: param.at,
          stage: stage.name,
          file: param.file,
          key: param.key,
        });
      }
    }
  }
  return ok(undefined);
}
