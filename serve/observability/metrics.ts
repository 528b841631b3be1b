// The server's Prometheus metrics (prom-client, its own registry), named the Prometheus way: base units (seconds),
// `_total` counters, bounded labels only (route templates, error codes, feature names, class labels).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Manifest } from "../../src/artifact/manifest.js";
import type { DriftWindow } from "./drift-window.js";
import { type HistogramSeries, SeriesCounter, SeriesHistogram } from "./series-metrics.js";

/** 0.25 ms … 2.5 s */
const HTTP_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const INFERENCE_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

export class ServeMetrics {
  readonly registry = new Registry();
  /** Updated on every request: series kept as handles (series-metrics.ts). */
  readonly httpRequests: SeriesCounter<"method" | "route" | "status">;
  readonly httpDuration: SeriesHistogram<"method" | "route">;
  readonly inferenceDuration: Histogram;
  readonly batchRows: Histogram;
  readonly predictionRows: Counter;
  readonly predictedClass: Counter<"class">;
  readonly inputErrors: Counter<"reason">;
  readonly outOfRange: Counter<"feature">;
  readonly unseenCategory: Counter<"feature">;
  readonly feedbackAbsError: Histogram;
  readonly feedbackRequests: Counter<"result">;
  readonly reloads: Counter<"trigger" | "result">;
  readonly workerRestarts: Counter;
  readonly logDropped: Counter<"reason">;
  readonly logWritten: Counter;
  readonly modelReady: Gauge;
  private readonly modelInfo: Gauge<"name" | "version" | "git_rev">;
  /** Observed once per predicted row: a series handle (series-metrics.ts), not prom-client's per-call validation. */
  private predictionValue: HistogramSeries | undefined;

  constructor(drift: () => DriftWindow | undefined, logPending: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new SeriesCounter(
      "http_requests_total",
      "HTTP requests by method, route template and status.",
      ["method", "route", "status"],
      this.registry,
    );
    this.httpDuration = new SeriesHistogram(
      "http_request_duration_seconds",
      "Time from the request's arrival to its response, by method and route template.",
      ["method", "route"],
      HTTP_BUCKETS,
      this.registry,
    );
    this.inferenceDuration = new Histogram({
      name: "model_inference_duration_seconds",
      help: "Duration of one model run (one batch), including the hop to the inference thread.",
      buckets: INFERENCE_BUCKETS,
      registers,
    });
    this.batchRows = new Histogram({
      name: "model_inference_batch_rows",
      help: "Rows per model run (dynamic batching coalesces concurrent requests).",
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.predictionRows = new Counter({
      name: "model_prediction_rows_total",
      help: "Rows predicted.",
      registers,
    });
    this.predictedClass = new Counter({
      name: "model_predictions_by_class_total",
      help: "Classification: predicted rows by label.",
      labelNames: ["class"],
      registers,
    });
    this.inputErrors = new Counter({
      name: "model_input_errors_total",
      help: "Requests refused for their input, by reason (the error code).",
      labelNames: ["reason"],
      registers,
    });
    this.outOfRange = new Counter({
      name: "model_feature_out_of_range_total",
      help: "Accepted values far outside the feature's training range.",
      labelNames: ["feature"],
      registers,
    });
    this.unseenCategory = new Counter({
      name: "model_feature_unseen_category_total",
      help: "Accepted categorical values not seen in training.",
      labelNames: ["feature"],
      registers,
    });
    new Gauge({
      name: "model_feature_drift_psi",
      help: "Population stability index of the live input window against the training bins, per feature.",
      labelNames: ["feature"],
      registers,
      collect() {
        this.reset();
        const window = drift();
        if (!window) return;
        for (const [feature, psi] of window.featurePsi()) this.set({ feature }, psi);
      },
    });
    new Gauge({
      name: "model_feature_drift_statistic",
      help: "Drift test statistic of the live input window per feature: KS D, chi-squared, normalised Wasserstein or Jensen-Shannon distance (label test).",
      labelNames: ["feature", "test"],
      registers,
      collect() {
        this.reset();
        for (const feature of drift()?.featureDrift().features ?? [])
          this.set({ feature: feature.name, test: feature.test }, feature.statistic);
      },
    });
    new Gauge({
      name: "model_feature_drift_p_value",
      help: "Drift p-value per feature after Benjamini-Hochberg correction across features (KS and chi-squared tests only).",
      labelNames: ["feature"],
      registers,
      collect() {
        this.reset();
        for (const feature of drift()?.featureDrift().features ?? [])
          if (feature.adjustedPValue !== undefined)
            this.set({ feature: feature.name }, feature.adjustedPValue);
      },
    });
    new Gauge({
      name: "model_feature_drifted",
      help: "1 when the feature's drift test says the live window has drifted from training, else 0.",
      labelNames: ["feature"],
      registers,
      collect() {
        this.reset();
        for (const feature of drift()?.featureDrift().features ?? [])
          this.set({ feature: feature.name }, feature.drifted ? 1 : 0);
      },
    });
    new Gauge({
      name: "model_drifted_features_share",
      help: "Share of the model's features whose drift test alarms on the live window (dataset drift at 0.5).",
      registers,
      collect() {
        this.set(drift()?.featureDrift().driftedShare ?? 0);
      },
    });
    new Gauge({
      name: "model_prediction_drift_psi",
      help: "Population stability index of the live predictions against the training predictions.",
      registers,
      collect() {
        this.set(drift()?.predictionPsi() ?? 0);
      },
    });
    new Gauge({
      name: "model_drift_window_rows",
      help: "Rows in the sliding window the drift gauges are computed over.",
      registers,
      collect() {
        this.set(drift()?.rows ?? 0);
      },
    });
    this.feedbackAbsError = new Histogram({
      name: "model_feedback_abs_error",
      help: "Absolute error of predictions whose true value arrived by /feedback (classification: 0 right, 1 wrong).",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100],
      registers,
    });
    this.feedbackRequests = new Counter({
      name: "model_feedback_total",
      help: "Feedback requests by result (matched, unknown_request_id).",
      labelNames: ["result"],
      registers,
    });
    this.reloads = new Counter({
      name: "model_reloads_total",
      help: "Model reload attempts by trigger (startup, signal, admin, alias) and result (success, failure, unchanged).",
      labelNames: ["trigger", "result"],
      registers,
    });
    this.workerRestarts = new Counter({
      name: "model_inference_thread_restarts_total",
      help: "Inference threads that died and were replaced.",
      registers,
    });
    this.modelInfo = new Gauge({
      name: "model_info",
      help: "The model being served (value 1).",
      labelNames: ["name", "version", "git_rev"],
      registers,
    });
    this.modelReady = new Gauge({
      name: "model_ready",
      help: "1 when a verified model is serving and the server is not shutting down.",
      registers,
    });
    this.logDropped = new Counter({
      name: "prediction_log_dropped_total",
      help: "Prediction rows not logged (queue full, write failed, log unavailable).",
      labelNames: ["reason"],
      registers,
    });
    this.logWritten = new Counter({
      name: "prediction_log_written_total",
      help: "Prediction rows written to the SQLite log.",
      registers,
    });
    new Gauge({
      name: "prediction_log_pending_rows",
      help: "Prediction rows accepted by the log and not yet written.",
      registers,
      collect() {
        this.set(logPending());
      },
    });
  }

  /** Points the model gauges at a newly served model. */
  setModel(manifest: Manifest): void {
    this.modelInfo.reset();
    this.modelInfo.set(
      { name: manifest.name, version: manifest.version, git_rev: manifest.lineage.gitRev },
      1,
    );
    const edges = manifest.task === "regression" ? manifest.drift.prediction.edges : undefined;
    if (this.predictionValue) this.registry.removeSingleMetric("model_prediction_value");
    this.predictionValue = edges?.length
      ? new SeriesHistogram(
          "model_prediction_value",
          "Regression: predicted values (buckets: the training predictions' drift bins).",
          [],
          [...new Set(edges)].sort((a, b) => a - b),
          this.registry,
        ).labels({})
      : undefined;
  }

  observeValues(values: Float64Array): void {
    const histogram = this.predictionValue;
    // prom-client refused non-finite values (by throwing); they are left out here too.
    if (histogram) for (const value of values) if (Number.isFinite(value)) histogram.observe(value);
  }

  observeClasses(classIndex: Int32Array, classes: readonly (string | number)[]): void {
    for (const k of classIndex) this.predictedClass.inc({ class: k >= 0 ? String(classes[k]) : "other" });
  }
}
