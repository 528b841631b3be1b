// metrics/tune.json: the tune stage's result, read by train (the params to fit with) and notebooks. Each fact once,
// so `metrics diff` shows each change once: the best trial's own params and the search's convergence are in
// metrics/tune-trials.json (its row `best.trial`), not repeated here.
import { z } from "zod";

export const TuneSummarySchema = z
  .object({
    /** The model type to train: model.type, or under `auto` the type of the best trial. */
    modelType: z.string(),
    /** Under `model.type: auto`: the model types the search chose among. */
    searched: z.array(z.string()).optional(),
    metric: z.string(),
    direction: z.enum(["minimize", "maximize"]),
    folds: z.number().int(),
    /** Repeated k-fold: how many reshuffled k-fold partitions each trial was scored on (absent: 1). */
    repeats: z.number().int().optional(),
    trials: z.number().int(),
    jobs: z.number().int(),
    seed: z.number().int(),
    best: z
      .object({
        /** 1-based trial number, as in the trial list. */
        trial: z.number().int(),
        cvMean: z.number(),
        cvStd: z.number(),
        /** With early stopping: the boosting rounds CV chose (lowest mean held-out loss); `params.n_estimators`. */
        rounds: z.number().int().optional(),
      })
      .strict(),
    /** The complete params to train with: fixed params, overridden by the best trial's, with defaults filled in. */
    params: z.record(z.string(), z.unknown()),
    /** Boosting stopped in each fold after this many rounds without improvement of its held-out loss. */
    earlyStoppingRounds: z.number().int().optional(),
  })
  .strict();
export type TuneSummary = z.infer<typeof TuneSummarySchema>;
