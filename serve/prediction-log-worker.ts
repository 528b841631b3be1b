// The prediction log's writer (in serve/thread-host.ts, on a thread of its own or beside inference): owns the SQLite database (node:sqlite, WAL), writes each batch the main
// thread sends in one transaction, answers feedback look-ups, prunes by age and row count, and counts the rows
// still waiting for a true value. Its synchronous disk work never touches the event loop that serves requests.
//
// Tables: predictions (one row per request: the body as sent, the predictions as returned), features (one row per
// predicted row: the model's input after preprocessing, float32 in the order feature_names gives for its model
// version), feature_names, feedback (one row per labelled row) and the prediction_rows view.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { MessagePort } from "node:worker_threads";
import { unreachable } from "../src/result.js";
import { ChunkedInsert } from "./chunked-insert.js";
import type { Label, Prediction } from "./model/predictions.js";
import type {
  FeedbackMatch,
  LogBatch,
  LogReply,
  LogRequest,
  LogWorkerData,
} from "./prediction-log-protocol.js";
import type { Attached } from "./thread-host-protocol.js";

export function serveLog(port: MessagePort, settings: LogWorkerData, exit: (code: number) => void): Attached {
  const reply = (message: LogReply) => port.postMessage(message);

  let db: DatabaseSync;
  try {
    mkdirSync(dirname(settings.file), { recursive: true });
    db = new DatabaseSync(settings.file, { timeout: 5000 });
    // The log only appends and looks up by request id: a small page cache is enough.
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA cache_size = -2048;
      CREATE TABLE IF NOT EXISTS predictions (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        rows INTEGER NOT NULL,
        request TEXT NOT NULL,
        predictions TEXT NOT NULL,
        latency_ms REAL NOT NULL
      );
      CREATE INDEX IF NOT EXISTS predictions_request_id ON predictions (request_id);
      CREATE INDEX IF NOT EXISTS predictions_time ON predictions (time);
      CREATE TABLE IF NOT EXISTS feedback (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        row INTEGER NOT NULL,
        time INTEGER NOT NULL,
        actual TEXT NOT NULL,
        prediction TEXT NOT NULL,
        abs_error REAL NOT NULL
      );
      CREATE INDEX IF NOT EXISTS feedback_request_id ON feedback (request_id);
      -- The tensor row the model ran on: float32, little-endian, columns as feature_names lists them.
      CREATE TABLE IF NOT EXISTS features (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        row INTEGER NOT NULL,
        time INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        vector BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS features_request_id ON features (request_id, row);
      CREATE INDEX IF NOT EXISTS features_time ON features (time);
      CREATE TABLE IF NOT EXISTS feature_names (
        model_version TEXT PRIMARY KEY,
        names TEXT NOT NULL
      );
      -- One line per predicted row, with its features when the request carried them by name (POST /predict).
      CREATE VIEW IF NOT EXISTS prediction_rows AS
        SELECT p.request_id, p.time, p.model_version, CAST(r.key AS INTEGER) AS row,
          COALESCE(json_extract(p.request, '$.instances[' || r.key || ']'), json_extract(p.request, '$.features')) AS features,
          r.value AS prediction, p.latency_ms
        FROM predictions p, json_each(p.predictions) r;
    `);
  } catch (error) {
    reply({ kind: "open_failed", message: `${settings.file}: ${(error as Error).message}` });
    exit(0);
    return { dispose: () => {} };
  }

  const insertPredictions = new ChunkedInsert(db, "predictions", [
    "request_id",
    "time",
    "model_version",
    "rows",
    "request",
    "predictions",
    "latency_ms",
  ]);
  const selectPredictions = db.prepare(
    "SELECT predictions, model_version FROM predictions WHERE request_id = ?",
  );
  const insertFeatures = new ChunkedInsert(db, "features", [
    "request_id",
    "row",
    "time",
    "model_version",
    "vector",
  ]);
  const upsertFeatureNames = db.prepare(
    "INSERT INTO feature_names (model_version, names) VALUES (?, ?) ON CONFLICT (model_version) DO UPDATE SET names = excluded.names",
  );
  const insertFeedback = db.prepare(
    "INSERT INTO feedback (request_id, row, time, actual, prediction, abs_error) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const decoder = new TextDecoder();
  /** Rows per write transaction: ≈ 0.3 ms of the thread at 2–3 µs per row (see writeBatch). */
  const SLICE_ROWS = 128;

  /** Runs `body` in one transaction: committed if it returns, rolled back if it throws. */
  function inTransaction<A extends unknown[], R>(body: (...args: A) => R): (...args: A) => R {
    return (...args) => {
      db.exec("BEGIN");
      try {
        const result = body(...args);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    };
  }

  /** Writes entries `from..to` of `batch` in one transaction; returns the rows written. */
  const writeEntries = inTransaction((batch: LogBatch, from: number, to: number) => {
    let written = 0;
    const { text, textEnds } = batch;
    let textStart = from === 0 ? 0 : (textEnds[3 * from - 1] as number);
    let featureStart = from === 0 ? 0 : (batch.featureEnds[from - 1] as number);
    const { buffer, byteOffset } = batch.features;
    for (let i = from; i < to; i++) {
      const idEnd = textEnds[3 * i] as number;
      const predictionsEnd = textEnds[3 * i + 1] as number;
      const bodyEnd = textEnds[3 * i + 2] as number;
      const requestId = decoder.decode(text.subarray(textStart, idEnd));
      const time = batch.times[i] as number;
      const version = batch.versions[batch.versionIndexes[i] as number] as string;
      const rows = batch.rows[i] as number;
      insertPredictions.add(
        requestId,
        time,
        version,
        rows,
        decoder.decode(text.subarray(predictionsEnd, bodyEnd)),
        decoder.decode(text.subarray(idEnd, predictionsEnd)),
        batch.latenciesMs[i] as number,
      );
      textStart = bodyEnd;
      const featureEnd = batch.featureEnds[i] as number;
      const width = (featureEnd - featureStart) / rows;
      for (let row = 0; row < rows; row++)
        insertFeatures.add(
          requestId,
          row,
          time,
          version,
          new Uint8Array(buffer, byteOffset + (featureStart + row * width) * 4, width * 4),
        );
      featureStart = featureEnd;
      written += rows;
    }
    insertPredictions.flush();
    insertFeatures.flush();
    return written;
  });

  function writeSlice(batch: LogBatch, from: number, to: number): number {
    try {
      return writeEntries(batch, from, to);
    } catch (error) {
      insertPredictions.discard();
      insertFeatures.discard();
      throw error;
    }
  }

  function errorOf(prediction: Prediction, actual: Label): number {
    if (typeof prediction === "number") return Math.abs(Number(actual) - prediction);
    return String(prediction.label) === String(actual) ? 0 : 1;
  }

  const recordFeedback = inTransaction(
    (requestId: string, row: number | undefined, actual: Label | Label[], time: number): FeedbackMatch[] => {
      const matches: FeedbackMatch[] = [];
      const logged = selectPredictions.all(requestId) as unknown as {
        predictions: string;
        model_version: string;
      }[];
      for (const { predictions, model_version: version } of logged) {
        const rows = JSON.parse(predictions) as Prediction[];
        for (const [index, prediction] of rows.entries()) {
          if (row !== undefined && index !== row) continue;
          const value = Array.isArray(actual) ? actual[index] : actual;
          if (value === undefined) continue;
          const absError = errorOf(prediction, value);
          insertFeedback.run(
            requestId,
            index,
            time,
            JSON.stringify(value),
            JSON.stringify(prediction),
            absError,
          );
          matches.push({
            row: index,
            version,
            prediction,
            actual: value,
            absError,
            ...(typeof prediction === "number"
              ? {}
              : { probability: prediction.probabilities[String(value)] ?? 0 }),
          });
        }
      }
      return matches;
    },
  );

  function prune(): void {
    try {
      let rows = 0;
      if (settings.retentionDays > 0) {
        const cutoff = Date.now() - settings.retentionDays * 86_400_000;
        rows += Number(db.prepare("DELETE FROM predictions WHERE time < ?").run(cutoff).changes);
        rows += Number(db.prepare("DELETE FROM feedback WHERE time < ?").run(cutoff).changes);
      }
      if (settings.maxRequests > 0) {
        rows += Number(
          db
            .prepare("DELETE FROM predictions WHERE id <= (SELECT MAX(id) FROM predictions) - ?")
            .run(settings.maxRequests).changes,
        );
      }
      if (settings.retentionDays > 0)
        rows += Number(
          db
            .prepare("DELETE FROM features WHERE time < ?")
            .run(Date.now() - settings.retentionDays * 86_400_000).changes,
        );
      if (settings.maxFeatureRows > 0)
        rows += Number(
          db
            .prepare("DELETE FROM features WHERE id <= (SELECT MAX(id) FROM features) - ?")
            .run(settings.maxFeatureRows).changes,
        );
      if (rows > 0) reply({ kind: "pruned", rows });
    } catch {
      // Pruning is retried on the next tick; a failure here must not stop the writes.
    }
  }

  /** How many of the versions most recently logged get an awaiting-label count (a bounded label set). */
  const AWAITING_VERSIONS = 10;
  const countAwaiting = db.prepare(`
    SELECT p.model_version AS version, SUM(p.rows) - COALESCE(SUM(f.labelled), 0) AS awaiting
    FROM predictions p
    LEFT JOIN (SELECT request_id, COUNT(DISTINCT row) AS labelled FROM feedback GROUP BY request_id) f
      ON f.request_id = p.request_id
    GROUP BY p.model_version ORDER BY MAX(p.time) DESC LIMIT ${AWAITING_VERSIONS}
  `);

  function reportAwaiting(): void {
    try {
      const counts = countAwaiting.all() as unknown as { version: string; awaiting: number }[];
      reply({
        kind: "awaiting",
        byVersion: Object.fromEntries(
          counts.map(({ version, awaiting }) => [version, Math.max(0, awaiting)]),
        ),
      });
    } catch {
      // Counted again on the next tick.
    }
  }

  function maintain(): void {
    prune();
    reportAwaiting();
  }

  maintain();
  const pruneTimer = setInterval(maintain, settings.maintenanceMs);
  pruneTimer.unref();

  /**
   * Writes a flush in slices of about SLICE_ROWS rows, one transaction each, and lets the thread's other messages
   * in between (setImmediate): on the thread shared with inference a model run then waits for one slice (≈ 1 ms),
   * not for the whole flush.
   */
  async function writeBatch(batch: LogBatch): Promise<{ written: number; error?: string }> {
    let written = 0;
    const { count } = batch;
    for (let from = 0; from < count; ) {
      let to = from;
      let rows = 0;
      while (to < count && (to === from || rows + (batch.rows[to] as number) <= SLICE_ROWS))
        rows += batch.rows[to++] as number;
      try {
        written += writeSlice(batch, from, to);
      } catch (error) {
        return { written, error: (error as Error).message };
      }
      from = to;
      if (from < count) await new Promise((resolveLater) => setImmediate(resolveLater));
    }
    return { written };
  }

  async function handle(message: LogRequest): Promise<void> {
    switch (message.kind) {
      case "schema":
        try {
          upsertFeatureNames.run(message.version, JSON.stringify(message.names));
        } catch {
          // The features are still written; only their column names for this version are missing.
        }
        return;
      case "write": {
        let rows = 0;
        for (const count of message.batch.rows) rows += count;
        const { written, error } = await writeBatch(message.batch);
        reply({
          kind: "written",
          id: message.id,
          written,
          failed: rows - written,
          ...(error ? { error } : {}),
        });
        return;
      }
      case "feedback":
        try {
          const matches = recordFeedback(message.requestId, message.row, message.actual, message.time);
          reply({ kind: "feedback", id: message.id, matches });
        } catch (error) {
          reply({ kind: "feedback", id: message.id, matches: [], error: (error as Error).message });
        }
        return;
      case "close":
        clearInterval(pruneTimer);
        try {
          db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
          db.close();
        } finally {
          reply({ kind: "closed" });
        }
        return;
      default:
        return unreachable(message);
    }
  }

  // One message at a time, in order, even while a write yields between slices: a feedback look-up must see the
  // predictions shipped before it, and close must follow the last write.
  let handled = Promise.resolve();
  port.on("message", (message: LogRequest) => {
    handled = handled.then(() => handle(message));
  });

  reply({ kind: "opened", file: settings.file });
  return {
    dispose: () => {
      clearInterval(pruneTimer);
      if (db.isOpen) db.close();
    },
  };
}
