// Messages between the prediction log (main thread) and its SQLite writer thread.
import type { Label, Prediction } from "./model/predictions.js";

export interface LogFeature {
  name: string;
  /** String categories, to turn tensor codes back into the values the client sent. */
  categories?: Label[];
}

export interface LogEntry {
  requestId: string;
  /** Milliseconds since the epoch. */
  time: number;
  version: string;
  rows: number;
  /** The model input as encoded (rows × features). */
  tensor: Float32Array;
  predictions: Prediction[];
  latencyMs: number;
  /** Unseen categorical values, which the tensor only records as -1: [row, feature index, value]. */
  unseen?: [number, number, string | number][];
}

export type LogRequest =
  | { kind: "model"; version: string; task: "regression" | "classification"; features: LogFeature[] }
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
  maxRows: number;
}
