// Reading the server's prediction log (SQLite, written by serve/prediction-log-worker.ts) without the server: one
// record per predicted row, with the features the client sent, the prediction, and the ground truth /feedback joined
// to it (the latest one, if a row got several). Read-only: a running server keeps writing.

import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { err, ok, type Result } from "../result.js";

export interface LoggedRow {
  requestId: string;
  /** Milliseconds since the epoch. */
  time: number;
  version: string;
  row: number;
  /** The row's features as the client sent them by name; undefined for requests that sent a tensor. */
  features: Record<string, unknown> | undefined;
  prediction: unknown;
  /** The ground truth from /feedback; undefined while it has not arrived. */
  actual: unknown;
}

export interface LogQuery {
  /** Inclusive bounds, milliseconds since the epoch. */
  since?: number;
  until?: number;
  version?: string;
}

export type LogReadError =
  | { kind: "log-missing"; message: string }
  | { kind: "log-unreadable"; message: string };

const SELECT = `
  SELECT pr.request_id AS requestId, pr.time AS time, pr.model_version AS version, pr.row AS row,
    pr.features AS features, pr.prediction AS prediction, f.actual AS actual
  FROM prediction_rows pr
  LEFT JOIN (
    SELECT request_id, row, actual FROM feedback
    WHERE id IN (SELECT MAX(id) FROM feedback GROUP BY request_id, row)
  ) f ON f.request_id = pr.request_id AND f.row = pr.row
  WHERE pr.time >= ? AND pr.time <= ? AND (? IS NULL OR pr.model_version = ?)
  ORDER BY pr.time, pr.request_id, pr.row`;

interface SqlRow {
  requestId: string;
  time: number;
  version: string;
  row: number;
  features: string | null;
  /** json_each gives numbers as numbers and objects as JSON text. */
  prediction: string | number;
  actual: string | null;
}

function parseObject(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function readLoggedRows(file: string, query: LogQuery): Result<LoggedRow[], LogReadError> {
  if (!existsSync(file))
    return err({
      kind: "log-missing",
      message: `${file}: no prediction log here (the server writes it under SERVE_DATA_DIR; pass --log FILE)`,
    });
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
    const version = query.version ?? null;
    const raw = db
      .prepare(SELECT)
      .all(query.since ?? 0, query.until ?? Number.MAX_SAFE_INTEGER, version, version) as unknown as SqlRow[];
    const rows = raw.map(
      (row): LoggedRow => ({
        requestId: row.requestId,
        time: Number(row.time),
        version: row.version,
        row: Number(row.row),
        features: parseObject(row.features),
        prediction: typeof row.prediction === "string" ? JSON.parse(row.prediction) : row.prediction,
        actual: row.actual === null ? undefined : JSON.parse(row.actual),
      }),
    );
    return ok(rows);
  } catch (error) {
    return err({ kind: "log-unreadable", message: `${file}: ${(error as Error).message}` });
  } finally {
    db?.close();
  }
}
