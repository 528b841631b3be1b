// Live error metrics from /feedback: per model version, over its last `size` labelled rows, MAE and RMSE
// (regression) or accuracy and log loss (classification), exported as gauges labelled by model_version. Only the
// versions most recently given feedback keep a series, so the label set stays bounded across reloads.
import { Gauge, type Registry } from "prom-client";
import type { FeedbackMatch } from "./prediction-log-protocol.js";

/** Probabilities are clamped here before the log, as scikit-learn's log_loss does, so one sure miss stays finite. */
const PROBABILITY_FLOOR = 1e-15;

export interface LiveErrorSummary {
  version: string;
  rows: number;
  mae?: number;
  rmse?: number;
  accuracy?: number;
  logLoss?: number;
}

/** The last `size` labelled rows of one model version, as a ring: each row's error and its log loss. */
class VersionWindow {
  private readonly error: Float64Array;
  private readonly logLoss: Float64Array;
  private count = 0;
  private next = 0;

  constructor(
    size: number,
    readonly classification: boolean,
  ) {
    this.error = new Float64Array(size);
    this.logLoss = new Float64Array(size);
  }

  add(match: FeedbackMatch): void {
    this.error[this.next] = match.absError;
    if (this.classification)
      this.logLoss[this.next] = -Math.log(Math.max(PROBABILITY_FLOOR, match.probability ?? 0));
    this.next = (this.next + 1) % this.error.length;
    this.count = Math.min(this.count + 1, this.error.length);
  }

  summary(version: string): LiveErrorSummary {
    let sum = 0;
    let squares = 0;
    let loss = 0;
    for (let i = 0; i < this.count; i++) {
      const error = this.error[i] as number;
      sum += error;
      squares += error * error;
      loss += this.logLoss[i] as number;
    }
    const n = this.count;
    if (this.classification) return { version, rows: n, accuracy: 1 - sum / n, logLoss: loss / n };
    return { version, rows: n, mae: sum / n, rmse: Math.sqrt(squares / n) };
  }
}

export class LiveErrors {
  /** In order of the last feedback received: the first entry is the one evicted. */
  private readonly windows = new Map<string, VersionWindow>();

  constructor(
    private readonly size: number,
    private readonly maxVersions = 5,
  ) {}

  observe(matches: readonly FeedbackMatch[]): void {
    for (const match of matches) {
      let window = this.windows.get(match.version);
      if (window) this.windows.delete(match.version);
      else window = new VersionWindow(this.size, typeof match.prediction !== "number");
      this.windows.set(match.version, window);
      window.add(match);
      if (this.windows.size > this.maxVersions)
        this.windows.delete(this.windows.keys().next().value as string);
    }
  }

  summaries(): LiveErrorSummary[] {
    return [...this.windows].map(([version, window]) => window.summary(version));
  }
}

/**
 * Registers the model_live_* gauges (read from `errors` at scrape time) and model_predictions_awaiting_label
 * (the prediction log's latest count per version).
 */
export function registerLiveErrorGauges(
  registry: Registry,
  errors: LiveErrors,
  awaiting: () => Record<string, number>,
): void {
  const registers = [registry];
  const perVersion = (name: string, help: string, value: (summary: LiveErrorSummary) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ["model_version"],
      registers,
      collect() {
        this.reset();
        for (const summary of errors.summaries()) {
          const measured = value(summary);
          if (measured !== undefined) this.set({ model_version: summary.version }, measured);
        }
      },
    });
  perVersion(
    "model_live_mae",
    "Mean absolute error over the model version's last labelled rows (SERVE_FEEDBACK_WINDOW; regression).",
    (summary) => summary.mae,
  );
  perVersion(
    "model_live_rmse",
    "Root mean squared error over the model version's last labelled rows (regression).",
    (summary) => summary.rmse,
  );
  perVersion(
    "model_live_accuracy",
    "Share of right labels over the model version's last labelled rows (classification).",
    (summary) => summary.accuracy,
  );
  perVersion(
    "model_live_log_loss",
    "Mean log loss (natural log, probabilities clamped at 1e-15) over the model version's last labelled rows (classification).",
    (summary) => summary.logLoss,
  );
  perVersion(
    "model_live_labelled_rows",
    "Labelled rows the live error gauges of the model version are computed over.",
    (summary) => summary.rows,
  );
  new Gauge({
    name: "model_predictions_awaiting_label",
    help: "Logged prediction rows whose true value has not arrived by /feedback, per model version (counted every SERVE_LOG_MAINTENANCE_S).",
    labelNames: ["model_version"],
    registers,
    collect() {
      this.reset();
      for (const [version, rows] of Object.entries(awaiting())) this.set({ model_version: version }, rows);
    },
  });
}
