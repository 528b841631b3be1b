import * as z from "zod/mini";

// zod/mini rather than zod: the same checks, but importing full zod costs ~45 ms of start-up (measured with
// hyperfine on the bundle), which alone would break the no-op `tabula repro` budget of 2× `node -e 0`.

const PathList = z.nullable(z.array(z.string()));

/** A dep is a path, or `{path, optional: true}` for one that may not exist (hashed as absent until it does). */
const DepItem = z.union(
  [z.string(), z.strictObject({ path: z.string(), optional: z.optional(z.boolean()) })],
  { error: "each dep must be a path, or a mapping {path: …, optional: true}" },
);

const ParamsItem = z.union([z.string(), z.record(z.string(), z.array(z.string()))], {
  error: "each params entry must be a key (e.g. train.lr) or a mapping of a params file to a list of keys",
});

export const STAGE_KEYS = [
  "cmd",
  "desc",
  "deps",
  "params",
  "outs",
  "metrics",
  "plots",
  "always_changed",
  "frozen",
] as const;

export const StageSchema = z.strictObject({
  cmd: z.union([z.string(), z.array(z.string())], { error: "cmd must be a string or a list of strings" }),
  desc: z.optional(z.nullable(z.string())),
  deps: z.optional(z.nullable(z.array(DepItem))),
  params: z.optional(z.nullable(z.array(ParamsItem))),
  outs: z.optional(PathList),
  metrics: z.optional(PathList),
  plots: z.optional(PathList),
  always_changed: z.optional(z.boolean()),
  frozen: z.optional(z.boolean()),
});

/** `foreach` (a list, a mapping, or `${key}` naming one) with the stage to repeat under `do`. */
export const ForeachSchema = z.strictObject({
  foreach: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())], {
    error: `foreach must be a list, a mapping, or \${key} naming one`,
  }),
  do: z.record(z.string(), z.unknown()),
});

/** A stage with `matrix`: one stage per combination of the listed values. */
export const MatrixSchema = z.strictObject({
  ...StageSchema.shape,
  matrix: z.record(
    z.string(),
    z.union([z.string(), z.array(z.unknown())], {
      error: `each matrix entry must be a list of values, or \${key} naming one`,
    }),
  ),
});

export const PIPELINE_KEYS = ["stages", "vars", "remote"] as const;

export const PipelineSchema = z.strictObject({
  stages: z.record(z.string(), z.record(z.string(), z.unknown()), {
    error: "stages must be a mapping of stage names to stages",
  }),
  vars: z.optional(z.nullable(z.array(z.unknown()))),
  remote: z.optional(z.string()),
});

export type RawStage = z.infer<typeof StageSchema>;
export type RawPipeline = z.infer<typeof PipelineSchema>;
