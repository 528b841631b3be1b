// The prediction log's writer (in serve/thread-host.ts, on a thread of its own or beside inference): owns the SQLite database (node:sqlite, WAL), writes each batch the main
// thread sends in one transaction, answers feedback look-ups, prunes by age and row count, and counts the rows
// still waiting for a true value. Its synchronous disk work never touches the event loop that serves requests.
//
// Tables: predictions (one row per request: the body as sent, the predictions as returned), request_features (one row
// per request: the model's input after preprocessing, rows × features float32 in the order feature_names gives for
// its model version), feature_names, feedback (one row per labelled row) and the prediction_rows view. Logs written
// before request_features existed have a features table (one row per predicted row); it is still pruned, and
// src/monitor/logged-rows.ts reads both.

import { mkdirSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";
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

/**
 * Lowers this thread's scheduling priority (Linux: a thread is a task with its own id, which /proc/thread-self
 * names). Undefined when done, else why not.
 */
function lowerThreadPriority(nice: number): string | undefined {
  try {
    const taskId = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(taskId) || taskId <= 0) return "no thread id in /proc/thread-self";
    setPriority(taskId, nice);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

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
      -- The tensor the model ran on, one row per request: rows × features float32, little-endian, row-major,
      -- columns as feature_names lists them (row r is bytes [r·4·width, (r+1)·4·width)). One blob per request, not
      -- one row per predicted row: a 100-row request is then one insert (and one entry per index) instead of 100,
      -- 1.3 against 2.7 µs of the writer's CPU per row (serve/README.md). row_end: rows logged so far, this request's
      -- included (the row-count retention).
      CREATE TABLE IF NOT EXISTS request_features (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        rows INTEGER NOT NULL,
        row_end INTEGER NOT NULL,
        vectors BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS request_features_request_id ON request_features (request_id);
      CREATE INDEX IF NOT EXISTS request_features_time ON request_features (time);
      CREATE INDEX IF NOT EXISTS request_features_row_end ON request_features (row_end);
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
  const insertFeatures = new ChunkedInsert(db, "request_features", [
    "request_id",
    "time",
    "model_version",
    "rows",
    "row_end",
    "vectors",
  ]);
  /** Rows logged so far (the last request_features.row_end); advanced once a write has committed. */
  let rowEnd = Number(
    (
      db.prepare("SELECT COALESCE(MAX(row_end), 0) AS rowEnd FROM request_features").get() as {
        rowEnd: number;
      }
    ).rowEnd,
  );
  /** Logs written before request_features have a per-row features table: pruned as before, never written. */
  const legacyFeatures =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'features'").get() !== undefined;
  const upsertFeatureNames = db.prepare(
    "INSERT INTO feature_names (model_version, names) VALUES (?, ?) ON CONFLICT (model_version) DO UPDATE SET names = excluded.names",
  );
  const insertFeedback = db.prepare(
    "INSERT INTO feedback (request_id, row, time, actual, prediction, abs_error) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const decoder = new TextDecoder();
  /** Rows written between two yields of the thread: ≈ 0.3 ms at 2–3 µs per row (see writeBatch). */
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

  /**
   * Inserts entries `from..to` of `batch` (inside the flush's transaction), their rows numbered on from `rowBase`;
   * returns the rows written.
   */
  function writeEntries(batch: LogBatch, from: number, to: number, rowBase: number): number {
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
      written += rows;
      insertFeatures.add(
        requestId,
        time,
        version,
        rows,
        rowBase + written,
        new Uint8Array(buffer, byteOffset + featureStart * 4, (featureEnd - featureStart) * 4),
      );
      featureStart = featureEnd;
    }
    insertPredictions.flush();
    insertFeatures.flush();
    return written;
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
            .prepare("DELETE FROM request_features WHERE time < ?")
            .run(Date.now() - settings.retentionDays * 86_400_000).changes,
        );
      // Whole requests: those whose rows all lie before the last maxFeatureRows rows logged.
      if (settings.maxFeatureRows > 0)
        rows += Number(
          db.prepare("DELETE FROM request_features WHERE row_end <= ?").run(rowEnd - settings.maxFeatureRows)
            .changes,
        );
      if (legacyFeatures && settings.retentionDays > 0)
        rows += Number(
          db
            .prepare("DELETE FROM features WHERE time < ?")
            .run(Date.now() - settings.retentionDays * 86_400_000).changes,
        );
      if (legacyFeatures && settings.maxFeatureRows > 0)
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
   * Writes a flush in one transaction, in slices of about SLICE_ROWS rows with the thread's other messages let in
   * between (setImmediate): on the thread shared with inference a model run then waits for one slice (≈ 0.3 ms), not
   * for the whole flush. One commit per flush, not per slice: a commit appends a fresh copy of every page the
   * transaction touched to the WAL, and the rows of a flush all land on the same few right-edge pages (the tables'
   * and their time and request-id indexes': ids and times grow), so committing per slice of 128 rows wrote those
   * pages about seven times per flush and the commits were most of the thread's CPU (serve/README.md).
   * A slice that fails rolls the whole flush back: its rows are counted as dropped, none is half-written.
   */
  async function writeBatch(batch: LogBatch): Promise<{ written: number; error?: string }> {
    let written = 0;
    const { count } = batch;
    try {
      db.exec("BEGIN");
      for (let from = 0; from < count; ) {
        let to = from;
        let rows = 0;
        while (to < count && (to === from || rows + (batch.rows[to] as number) <= SLICE_ROWS))
          rows += batch.rows[to++] as number;
        written += writeEntries(batch, from, to, rowEnd + written);
        from = to;
        if (from < count) await new Promise((resolveLater) => setImmediate(resolveLater));
      }
      db.exec("COMMIT");
      rowEnd += written;
      return { written };
    } catch (error) {
      insertPredictions.discard();
      insertFeatures.discard();
      if (db.isTransaction) db.exec("ROLLBACK");
      return { written: 0, error: (error as Error).message };
    }
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

  const niceFailed = settings.threadNice > 0 ? lowerThreadPriority(settings.threadNice) : undefined;
  reply({ kind: "opened", file: settings.file, ...(niceFailed ? { niceFailed } : {}) });
  return {
    dispose: () => {
      clearInterval(pruneTimer);
      if (db.isOpen) db.close();
    },
  };
}
