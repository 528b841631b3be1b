// Messages between the prediction log (main thread) and its SQLite writer thread.
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
}

export type LogRequest =
  | { kind: "write"; id: number; entries: LogEntry[] }
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
  prediction: Prediction;
  actual: Label;
  /** Regression: |actual − prediction|; classification: 0 when the label was right, else 1. */
  absError: number;
}

export type LogReply =
  | { kind: "opened"; file: string }
  | { kind: "open_failed"; message: string }
  | { kind: "written"; id: number; written: number; failed: number; error?: string }
  | { kind: "feedback"; id: number; matches: FeedbackMatch[]; error?: string }
  | { kind: "pruned"; rows: number }
  | { kind: "closed" };

export interface LogWorkerData {
  file: string;
  retentionDays: number;
  /** Rows of the predictions table (one per request) to keep. */
  maxRequests: number;
}
