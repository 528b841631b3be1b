// The tune stage's trial list (metrics/tune-trials.json) as typed records, and the views a notebook draws from it:
// the history in trial order and each tuned parameter against the CV score.
import { z } from "zod";
import type { Datum } from "../../charts/chart.js";
import type { SearchSpace } from "../params.js";

/** One trial as the tune stage writes it: bookkeeping fields, then the trial's params flattened in. */
export const TrialRecordSchema = z
  .object({
    trial: z.number().int(),
    cvMean: z.number(),
    cvStd: z.number(),
    cvScores: z.array(z.number()),
    /** With early stopping: the boosting rounds CV chose. */
    cvRounds: z.number().optional(),
    seconds: z.number(),
  })
  .catchall(z.union([z.number(), z.string(), z.boolean(), z.null()]));
export const TrialRecordsSchema = z.array(TrialRecordSchema);
export type TrialRecord = z.infer<typeof TrialRecordSchema>;

const BOOKKEEPING = new Set(["trial", "cvMean", "cvStd", "cvScores", "cvRounds", "seconds"]);

/** The tuned params' names, in the order they appear in the trials. */
export function tunedParams(trials: TrialRecord[]): string[] {
  const names: string[] = [];
  for (const trial of trials)
    for (const key of Object.keys(trial)) if (!BOOKKEEPING.has(key) && !names.includes(key)) names.push(key);
  return names;
}

/** `{trial, score}` per trial, in trial order: the data of a best-so-far chart. */
export function tuningHistory(trials: TrialRecord[]): Datum[] {
  return [...trials]
    .sort((a, b) => a.trial - b.trial)
    .map((trial) => ({ trial: trial.trial, score: trial.cvMean }));
}

export interface ParamAxis {
  field: string;
  /** Searched on a log scale (log_uniform, or int with log). */
  log: boolean;
  /** A categorical choice rather than a number. */
  nominal: boolean;
}

/** How to draw each tuned param against the score, from the search space it was drawn from. */
export function paramAxes(trials: TrialRecord[], space: SearchSpace = {}): ParamAxis[] {
  return tunedParams(trials).map((field) => {
    const declared = space[field];
    const nominal =
      declared?.type === "categorical" || trials.some((trial) => typeof trial[field] === "string");
    const log = declared?.type === "log_uniform" || (declared?.type === "int" && declared.log === true);
    return { field, log: log && !nominal, nominal };
  });
}

/** Trial budgets at which searches are compared: 10, 20, 40, … below the trial count, then the trial count. */
export function budgetCheckpoints(trialCount: number): number[] {
  return [10, 20, 40, 80, 160].filter((n) => n < trialCount).concat(trialCount);
}

/**
 * The best score after the first N trials, per N of `checkpoints` (scores in trial order; non-finite ones, failed
 * trials, never count): a search's convergence at equal budgets.
 */
export function bestAfter(
  scoresInTrialOrder: number[],
  direction: "minimize" | "maximize",
  checkpoints = budgetCheckpoints(scoresInTrialOrder.length),
): { trials: number; best: number }[] {
  const pick = direction === "minimize" ? Math.min : Math.max;
  return checkpoints.flatMap((count) => {
    const finite = scoresInTrialOrder.slice(0, count).filter(Number.isFinite);
    return finite.length === 0 ? [] : [{ trials: count, best: pick(...finite) }];
  });
}

/** {@link bestAfter} of the trial list the tune stage writes. */
export function trialsBestAfter(trials: TrialRecord[], direction: "minimize" | "maximize") {
  return bestAfter(
    [...trials].sort((a, b) => a.trial - b.trial).map((trial) => trial.cvMean),
    direction,
  );
}
