// metrics/evaluate.json: the candidate model's test metrics and the champion gate's decision. Written by the
// evaluate stage; read by the package stage (metrics for the manifest) and `tabula models promote` (the gate).
import { z } from "zod";
import { type Champion, decidePromotion } from "./champion.js";
import { MlFailure } from "./errors.js";
import { computeMetrics, type Direction, type MetricName, type Predictions } from "./metrics.js";

export const EvaluationSchema = z
  .object({
    task: z.enum(["regression", "classification"]),
    modelType: z.string(),
    testRows: z.number().int(),
    /** Every metric of the task on the test split. */
    metrics: z.record(z.string(), z.number()),
    /** The metric the gate compares, and which way is better. */
    metric: z.string(),
    direction: z.enum(["minimize", "maximize"]),
    champion: z.object({ version: z.string().nullable(), value: z.number().nullable() }).strict(),
    promote: z.boolean(),
    reason: z.string(),
  })
  .strict();
export type Evaluation = z.infer<typeof EvaluationSchema>;

export function evaluateCandidate(
  predictions: Predictions,
  modelType: string,
  champion: Champion,
  metric: MetricName,
  direction: Direction,
  /** sha256 of the candidate's trees file (see decidePromotion). */
  candidateModel?: string,
): Evaluation {
  // A metric can be undefined on a degenerate test split (ROC AUC with one class); it is left out rather than
  // written as null, and the gate refuses to decide on it.
  const metrics = Object.fromEntries(
    Object.entries(computeMetrics(predictions)).filter(([, value]) => Number.isFinite(value)),
  ) as Record<string, number>;
  if (metrics[metric] === undefined)
    throw new MlFailure({
      kind: "config",
      message: `evaluate.metric ${metric} is undefined on this test split (e.g. ROC AUC when the test split has one class)`,
    });
  const decision = decidePromotion(metrics, champion, metric, direction, candidateModel);
  return {
    task: predictions.task,
    modelType,
    testRows: predictions.actual.length,
    metrics,
    metric,
    direction,
    champion: { version: champion.version, value: champion.metrics[metric] ?? null },
    promote: decision.promote,
    reason: decision.reason,
  };
}
