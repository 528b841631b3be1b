// One prediction, whichever protocol asked for it: run the validated rows through the model, then do the
// bookkeeping off the response's critical path as far as possible (metrics, drift window, prediction log queue).
import type { ModelOutputs } from "./model/executor.js";
import type { LiveModel } from "./model/live-model.js";
import type { DecodedPredictions } from "./model/predictions.js";
import type { ServeMetrics } from "./observability/metrics.js";
import type { PredictionLog } from "./prediction-log.js";
import type { EncodedRows } from "./validate.js";

export interface InferenceResult {
  outputs: ModelOutputs;
  decoded: DecodedPredictions;
}

export class Inference {
  constructor(
    private readonly metrics: ServeMetrics,
    private readonly log: PredictionLog | undefined,
  ) {}

  async run(
    model: LiveModel,
    encoded: EncodedRows,
    requestId: string,
    startedAt: bigint,
  ): Promise<InferenceResult> {
    const outputs = await model.executor.run(encoded.tensor, encoded.rows);
    const decoded = model.decoder.decode(outputs, encoded.rows);
    this.record(model, encoded, decoded, requestId, startedAt);
    return { outputs, decoded };
  }

  private record(
    model: LiveModel,
    encoded: EncodedRows,
    decoded: DecodedPredictions,
    requestId: string,
    startedAt: bigint,
  ): void {
    const { metrics } = this;
    metrics.predictionRows.inc(encoded.rows);
    metrics.observePredictions(
      decoded.numeric,
      decoded.classIndex
        ? Array.from(decoded.classIndex, (k) => model.decoder.classes[k] ?? "unknown")
        : undefined,
    );
    let unseen: [number, number, string | number][] | undefined;
    for (const warning of encoded.warnings ?? []) {
      if (warning.code === "out_of_range") metrics.outOfRange.inc({ feature: warning.field });
      else {
        metrics.unseenCategory.inc({ feature: warning.field });
        if (warning.value !== undefined) {
          unseen ??= [];
          unseen.push([warning.row, model.validator.featureIndex(warning.field), warning.value]);
        }
      }
    }
    model.drift.observeInputs(encoded.tensor, encoded.rows);
    model.drift.observePredictions(decoded.numeric ?? (decoded.classIndex as Int32Array));
    this.log?.record({
      requestId,
      time: Date.now(),
      version: model.manifest.version,
      rows: encoded.rows,
      tensor: encoded.tensor,
      predictions: decoded.values,
      latencyMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
      ...(unseen ? { unseen } : {}),
    });
  }
}
