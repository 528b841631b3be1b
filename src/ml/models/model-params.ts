// Model params arrive from params.yaml or from the tuner: parsed once with the model type's zod schema, and
// any problem reported as a value naming the key.
import { z } from "zod";
import { err, ok, type Result } from "../../result.js";
import { MlFailure } from "../errors.js";
import type { ModelType, Task } from "./model-type.js";

export interface InvalidParams {
  kind: "invalid-params";
  modelType: string;
  /** The offending keys, e.g. ["max_depth"], or the unknown ones. */
  keys: string[];
  message: string;
}

export function parseModelParams<Params>(
  modelType: ModelType<Params>,
  raw: unknown,
): Result<Params, InvalidParams> {
  const parsed = modelType.params.safeParse(raw ?? {});
  if (parsed.success) return ok(parsed.data);
  const keys: string[] = [];
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      keys.push(...issue.keys);
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    }
    const key = issue.path.map(String).join(".");
    keys.push(key);
    return `${key === "" ? "(params)" : key}: ${issue.message}`;
  });
  return err({
    kind: "invalid-params",
    modelType: modelType.name,
    keys,
    message: `invalid params for model type "${modelType.name}": ${problems.join("; ")}`,
  });
}

/** scikit-learn's max_features: "sqrt", "log2", a fraction in (0, 1], or a whole number of features > 1. */
export const MaxFeaturesSchema = z.union([
  z.enum(["sqrt", "log2"]),
  z
    .number()
    .positive()
    .refine((value) => value <= 1 || Number.isInteger(value), {
      message: "expected a fraction in (0, 1], a whole number of features, or sqrt / log2",
    }),
]);
export type MaxFeatures = z.infer<typeof MaxFeaturesSchema>;

/** Features per split; `null` means the task's default (all for regression, sqrt for classification). */
export function resolveMaxFeatures(spec: MaxFeatures | null, features: number, task: Task): number {
  const effective = spec ?? (task === "regression" ? 1 : "sqrt");
  if (effective === "sqrt") return Math.max(1, Math.floor(Math.sqrt(features)));
  if (effective === "log2") return Math.max(1, Math.floor(Math.log2(features)));
  if (effective <= 1) return Math.max(1, Math.floor(effective * features));
  return Math.min(effective, features);
}

/** Params that parse but do not fit the data (e.g. more features asked for than there are). */
export class ParamsError extends MlFailure {
  constructor(modelType: string, key: string, message: string) {
    super({ kind: "model-params", modelType, key, message });
    this.name = "ParamsError";
  }
}
