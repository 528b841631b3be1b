// metrics/tune.json: the tune stage's result, read by train (the params to fit with) and notebooks.
import { z } from "zod";

export const TuneSummarySchema = z
  .object({
    modelType: z.string(),
    metric: z.string(),
    direction: z.enum(["minimize", "maximize"]),
    folds: z.number().int(),
    trials: z.number().int(),
    jobs: z.number().int(),
    seed: z.number().int(),
    best: z
      .object({
        /** 1-based trial number, as in the trial list. */
        trial: z.number().int(),
        cvMean: z.number(),
        cvStd: z.number(),
        /** The tuned params only. */
        params: z.record(z.string(), z.unknown()),
      })
      .strict(),
    /** The complete params to train with: fixed params, overridden by the best trial's, with defaults filled in. */
    params: z.record(z.string(), z.unknown()),
    /** Best CV value after the first N trials (for comparing searches at equal budgets). */
    bestAfter: z.record(z.string(), z.number()),
  })
  .strict();
export type TuneSummary = z.infer<typeof TuneSummarySchema>;
