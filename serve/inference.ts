// One prediction, whichever protocol asked for it: run the validated rows through the model, then the bookkeeping
// (metrics, drift window, prediction log queue), all of it cheap and none of it waiting on I/O.
import type { ModelOutputs } from "./model/executor.js";
import type { LiveModel } from "./model/live-model.js";
import type { DecodedPredictions } from "./model/predictions.js";
import type { ServeMetrics } from "./observability/metrics.js";
import type { PredictionLog } from "./prediction-log.js";
import type { EncodedRows } from "./validate.js";

export interface InferenceRequest {
  requestId: string;
  startedAt: bigint;
  /** The request body as received, for the prediction log. */
  rawBody: Uint8Array;
}

export interface InferenceResult {
  outputs: ModelOutputs;
  decoded: DecodedPredictions;
  /** JSON of decoded.values: what /predict returns and the log stores, serialised once. */
  predictionsJson: string;
}

export class Inference {
  constructor(
    private readonly metrics: ServeMetrics,
    private readonly log: PredictionLog | undefined,
  ) {}

  async run(model: LiveModel, encoded: EncodedRows, request: InferenceRequest): Promise<InferenceResult> {
    const outputs = await model.executor.run(encoded.tensor, encoded.rows);
    const decoded = model.decoder.decode(outputs, encoded.rows);
    const predictionsJson = JSON.stringify(decoded.values);
    this.record(model, encoded, decoded, predictionsJson, request);
    return { outputs, decoded, predictionsJson };
  }

  private record(
    model: LiveModel,
    encoded: EncodedRows,
    decoded: DecodedPredictions,
    predictionsJson: string,
    request: InferenceRequest,
  ): void {
    const { metrics } = this;
    metrics.predictionRows.inc(encoded.rows);
    if (decoded.numeric) metrics.observeValues(decoded.numeric);
    if (decoded.classIndex) metrics.observeClasses(decoded.classIndex, model.decoder.classes);
    if (encoded.warnings) {
      for (const warning of encoded.warnings) {
        if (warning.code === "out_of_range") metrics.outOfRange.inc({ feature: warning.field });
        else metrics.unseenCategory.inc({ feature: warning.field });
      }
    }
    model.drift.observe(encoded.tensor, decoded.numeric ?? (decoded.classIndex as Int32Array), encoded.rows);
    this.log?.record(
      {
        requestId: request.requestId,
        time: Date.now(),
        version: model.manifest.version,
        rows: encoded.rows,
        request: request.rawBody,
        predictions: predictionsJson,
        latencyMs: Number(process.hrtime.bigint() - request.startedAt) / 1e6,
        features: encoded.tensor,
      },
      model.manifest.features,
    );
  }
}
