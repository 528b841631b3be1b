// Messages between the prediction log (main thread) and its SQLite writer (a thread, or the event loop).
import type { Label, Prediction } from "./model/predictions.js";

export interface LogEntry {
  requestId: string;
  /** Milliseconds since the epoch. */
  time: number;
  version: string;
  rows: number;
  /** The request body exactly as the client sent it (JSON): the features, including values the tensor cannot hold. */
  request: Uint8Array;
  /** The predictions as returned to the client: a JSON array, one element per row. */
  predictions: string;
  latencyMs: number;
  /**
   * The model's input rows after preprocessing: the float32 tensor it ran on (rows × features, in the manifest's
   * feature order), as built for the request; never copied or rebuilt on the request path.
   */
  features: Float32Array;
}

/**
 * A flush's entries column by column, every column a typed array whose buffer is transferred, not copied
 * (./log-batch-builder.ts says why nothing of an entry is kept as a JavaScript object or string).
 */
export interface LogBatch {
  count: number;
  /** Milliseconds since the epoch, per entry. */
  times: Float64Array;
  latenciesMs: Float64Array;
  rows: Int32Array;
  /** Entry i's model version is versions[versionIndexes[i]]. */
  versionIndexes: Int32Array;
  versions: string[];
  /**
   * UTF-8: each entry's request id, predictions (JSON) and request body, one after the other; entry i's three end at
   * textEnds[3i], textEnds[3i + 1] and textEnds[3i + 2].
   */
  text: Uint8Array;
  textEnds: Int32Array;
  /** The feature rows of every entry one after the other; entry i's end at featureEnds[i]. */
  features: Float32Array;
  featureEnds: Int32Array;
}

export type LogRequest =
  /** The feature names of a model version's tensor columns, sent once per version before its first write. */
  | { kind: "schema"; version: string; names: string[] }
  | { kind: "write"; id: number; batch: LogBatch }
  | {
      kind: "feedback";
      id: number;
      requestId: string;
      row: number | undefined;
      actual: Label | Label[];
      time: number;
    }
  | { kind: "close" };

export interface FeedbackMatch {
  row: number;
  /** The model version that made the prediction. */
  version: string;
  prediction: Prediction;
  actual: Label;
  /** Regression: |actual − prediction|; classification: 0 when the label was right, else 1. */
  absError: number;
  /** Classification: the probability the model gave the true label (0 when the label is not one of its classes). */
  probability?: number;
}

export type LogReply =
  /** `niceFailed`: why the thread's priority could not be lowered as asked (the log works regardless). */
  | { kind: "opened"; file: string; niceFailed?: string }
  | { kind: "open_failed"; message: string }
  | {
      kind: "written";
      id: number;
      written: number;
      failed: number;
      error?: string;
      /** The batch's storage, handed back (transferred) for the queue to fill again (./log-batch-builder.ts). */
      batch?: LogBatch;
    }
  | { kind: "feedback"; id: number; matches: FeedbackMatch[]; error?: string }
  | { kind: "pruned"; rows: number }
  /** Logged prediction rows without a true value yet, per model version (the most recent versions). */
  | { kind: "awaiting"; byVersion: Record<string, number> }
  | { kind: "closed" }
  /** The writer stopped on an error it could not handle: the server serves on without the log. */
  | { kind: "failed"; message: string };

export interface LogWorkerData {
  file: string;
  retentionDays: number;
  /** Rows of the predictions table (one per request) to keep. */
  maxRequests: number;
  /** Predicted rows whose model input (predictions.vectors, by whole requests) to keep; 0: no limit. */
  maxFeatureRows: number;
  /** How often retention is enforced and the awaiting-label counts refreshed. */
  maintenanceMs: number;
  /** The nice value to give the writer's thread (0: leave it). */
  threadNice: number;
  /** Rows per slice of a write (one statement per table): small on the event loop. */
  sliceRows: number;
  /** A write yields to the loop (or the thread's other work) once a turn has taken this long; 0: after every slice. */
  turnBudgetMs: number;
  /** How often the WAL is synced, checkpointed and the database synced (./wal-checkpoint.ts). */
  checkpointMs: number;
}
