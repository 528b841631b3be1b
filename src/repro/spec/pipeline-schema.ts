import * as z from "zod/mini";

// zod/mini rather than zod: the same checks, but importing full zod costs ~45 ms of start-up (measured with
// hyperfine on the bundle), which alone would break the no-op `tabula repro` budget of 2× `node -e 0`.

const PathList = z.nullable(z.array(z.string()));

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
  deps: z.optional(PathList),
  params: z.optional(z.nullable(z.array(ParamsItem))),
  outs: z.optional(PathList),
  metrics: z.optional(PathList),
  plots: z.optional(PathList),
  always_changed: z.optional(z.boolean()),
  frozen: z.optional(z.boolean()),
});

export const PIPELINE_KEYS = ["stages", "remote"] as const;

export const PipelineSchema = z.strictObject({
  stages: z.record(z.string(), StageSchema),
  remote: z.optional(z.string()),
});

export type RawStage = z.infer<typeof StageSchema>;
export type RawPipeline = z.infer<typeof PipelineSchema>;
