// The prediction log's writer: owns the SQLite database (node:sqlite, WAL), writes each batch the main thread sends
// in one transaction, answers feedback look-ups, prunes by age and row count, and counts the rows still waiting for a
// true value. It runs on the event loop when there is no inference thread to share (./loop-channel.ts: no V8 isolate
// of its own), or in serve/thread-host.ts (a thread of its own or beside inference): the same code, over a port.
// On the loop its synchronous disk work is cut into small pieces, each in a turn of the loop of its own: a write in
// statements of 8 rows, ≈ 0.25 ms of them per turn, its commit alone; 250 rows per pruning statement; 1,000 ids per
// counting statement; the WAL's checkpoints its own, between writes, the syncs on libuv's pool (./wal-checkpoint.ts).
// bench:log-writer-stalls measures the loop's delay.
//
// Tables: predictions (one row per request: the body as sent, the predictions as returned, the model's input after
// preprocessing as rows × features float32 in the order feature_names gives for its model version), feature_names,
// feedback (one row per labelled row) and the prediction_rows view. Older logs keep the model's input in a table of
// its own: request_features (one row per request) or, older still, features (one row per predicted row); both are
// still pruned, never written, and src/monitor/logged-rows.ts reads all three.

import { mkdirSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { unreachable } from "../src/result.js";
import { ChunkedInsert } from "./chunked-insert.js";
import { batchBuffers } from "./log-batch-builder.js";
import type { MessageEndpoint } from "./loop-channel.js";
import type { Label, Prediction } from "./model/predictions.js";
import type {
  FeedbackMatch,
  LogBatch,
  LogReply,
  LogRequest,
  LogWorkerData,
} from "./prediction-log-protocol.js";
import type { Attached } from "./thread-host-protocol.js";
import { WalCheckpointer } from "./wal-checkpoint.js";

/**
 * Rows deleted per statement when pruning, with the loop (or the thread's other work) let in between: 1,000 rows of
 * request_features held the loop ≈ 2.8 ms (median, bench:log-writer-stalls), 250 ≈ 0.7 ms.
 */
const PRUNE_ROWS = 250;
/**
 * Requests whose model input is cleared per statement (the row-count retention): an UPDATE rewrites the whole row,
 * body and predictions included (≈ 15 KB for a 100-row request), so a statement of 250 held the loop for tens of ms.
 */
const CLEAR_ROWS = 25;
/** Predictions (and feedback) ids per statement when counting the rows awaiting a label. */
const COUNT_RANGE = 1000;
/**
 * A checkpoint once this much has been logged since the last (the bodies, predictions and features of the batches),
 * else every `checkpointMs`: it copies the WAL into the database in one statement, so a checkpoint only every second
 * held the loop for tens of ms under 100-row load (bench:log-writer-stalls). 512 KB was still the largest stall left
 * under wrk -c32 single-row load: 57 a 10 s of 2.8 ms (median, up to 4.5; the loop's stalls with a CPU profile,
 * serve/README.md, tail latency); 128 KB: none over 2 ms, ≈ 16 % more checkpoint CPU (≈ 0.1 µs per request).
 */
const CHECKPOINT_BYTES = 128 * 1024;
/** A write's transaction is committed once it holds this much (see writeBatch). */
const TRANSACTION_BYTES = 256 * 1024;

const nextTurn = () => new Promise<void>((resolveLater) => setImmediate(resolveLater));

function hasTable(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Logs from before the one-table format: their predictions gain row_end and vectors (NULL for the rows logged). */
function addInputColumns(db: DatabaseSync): void {
  const columns = new Set(
    (db.prepare("SELECT name FROM pragma_table_info('predictions')").all() as { name: string }[]).map(
      ({ name }) => name,
    ),
  );
  if (!columns.has("row_end")) db.exec("ALTER TABLE predictions ADD COLUMN row_end INTEGER");
  if (!columns.has("vectors")) db.exec("ALTER TABLE predictions ADD COLUMN vectors BLOB");
}

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

export function serveLog(
  port: MessageEndpoint<LogRequest>,
  settings: LogWorkerData,
  exit: (code: number) => void,
): Attached {
  const reply = (message: LogReply, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

  let db: DatabaseSync;
  try {
    mkdirSync(dirname(settings.file), { recursive: true });
    db = new DatabaseSync(settings.file, { timeout: 5000 });
    // The log only appends and looks up by request id: a small page cache is enough. Checkpoints and syncs are the
    // writer's own, off the commit path (./wal-checkpoint.ts: the durability of synchronous = NORMAL).
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = OFF;
      PRAGMA wal_autocheckpoint = 0;
      PRAGMA cache_size = -2048;
      -- One row per request: the body as sent, the predictions as returned and the model's input after
      -- preprocessing (vectors: rows × features float32, little-endian, row-major, columns as feature_names lists
      -- them; row r is bytes [r·4·width, (r+1)·4·width)). row_end: rows logged so far, this request's included (the
      -- row-count retention of vectors, which sets them to NULL). One row and one request-id index entry per
      -- request: the input in a table of its own cost a row and an index entry more (serve/README.md).
      CREATE TABLE IF NOT EXISTS predictions (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        rows INTEGER NOT NULL,
        request TEXT NOT NULL,
        predictions TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        row_end INTEGER,
        vectors BLOB
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
    addInputColumns(db);
    // Logs written before the one-table format keep their model input in request_features (one row per request):
    // read and pruned as it is, never written; its old time and row_end indexes only cost deletes.
    if (hasTable(db, "request_features"))
      db.exec("DROP INDEX IF EXISTS request_features_time; DROP INDEX IF EXISTS request_features_row_end;");
  } catch (error) {
    reply({ kind: "open_failed", message: `${settings.file}: ${(error as Error).message}` });
    exit(0);
    return { dispose: () => {} };
  }

  // The request id, the body and the predictions arrive as UTF-8 bytes and are stored as text straight from them:
  // no JavaScript string per value (on the event loop, three strings of garbage per request fewer).
  const TEXT = "CAST(? AS TEXT)";
  const insertPredictions = new ChunkedInsert(
    db,
    "predictions",
    [
      "request_id",
      "time",
      "model_version",
      "rows",
      "request",
      "predictions",
      "latency_ms",
      "row_end",
      "vectors",
    ],
    [TEXT, "?", "?", "?", TEXT, TEXT, "?", "?", "?"],
  );
  const selectPredictions = db.prepare(
    "SELECT predictions, model_version FROM predictions WHERE request_id = ?",
  );
  /** Older logs' tables of the model's input (see the top of this file): pruned as before, never written. */
  const legacyRequestFeatures = hasTable(db, "request_features");
  const legacyFeatures = hasTable(db, "features");
  const lastRowEndOf = (table: string) =>
    Number(
      (
        db.prepare(`SELECT row_end AS rowEnd FROM ${table} ORDER BY id DESC LIMIT 1`).get() as
          | { rowEnd: number }
          | undefined
      )?.rowEnd ?? 0,
    );
  /**
   * Rows logged so far (the last row_end; in a log from before the one-table format, request_features' until the
   * first write); advanced once a write has committed.
   */
  let rowEnd = Math.max(
    lastRowEndOf("predictions"),
    legacyRequestFeatures ? lastRowEndOf("request_features") : 0,
  );
  const upsertFeatureNames = db.prepare(
    "INSERT INTO feature_names (model_version, names) VALUES (?, ?) ON CONFLICT (model_version) DO UPDATE SET names = excluded.names",
  );
  const insertFeedback = db.prepare(
    "INSERT INTO feedback (request_id, row, time, actual, prediction, abs_error) VALUES (?, ?, ?, ?, ?, ?)",
  );
  /** Rows per slice (see writeBatch): 128 on a thread (≈ 0.3 ms), 8 on the event loop. */
  const SLICE_ROWS = settings.sliceRows;
  const TURN_BUDGET_MS = settings.turnBudgetMs;

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
      const requestId = text.subarray(textStart, idEnd);
      const time = batch.times[i] as number;
      const version = batch.versions[batch.versionIndexes[i] as number] as string;
      const rows = batch.rows[i] as number;
      const featureEnd = batch.featureEnds[i] as number;
      written += rows;
      insertPredictions.add(
        requestId,
        time,
        version,
        rows,
        text.subarray(predictionsEnd, bodyEnd),
        text.subarray(idEnd, predictionsEnd),
        batch.latenciesMs[i] as number,
        rowBase + written,
        new Uint8Array(buffer, byteOffset + featureStart * 4, (featureEnd - featureStart) * 4),
      );
      textStart = bodyEnd;
      featureStart = featureEnd;
    }
    insertPredictions.flush();
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

  /**
   * Deletes the oldest rows of `table` while `expired` holds of them: ids PRUNE_ROWS at a time from the first, by
   * the primary key's range (no index on the condition's column, no list of ids built per statement), yielding
   * between statements; stops at the first range in which a row is kept. `expired` is one that holds of the table's
   * oldest rows first: its ids, its row_end and its times grow with each row written (a time set back by the clock
   * keeps the rows after it until it expires itself). The rows deleted.
   */
  async function pruneOldest(table: string, expired: string, ...params: number[]): Promise<number> {
    const first = db.prepare(`SELECT id FROM ${table} ORDER BY id LIMIT 1`);
    const remove = db.prepare(`DELETE FROM ${table} WHERE id >= ? AND id < ? AND ${expired}`);
    const firstId = () => (first.get() as { id: number } | undefined)?.id;
    let total = 0;
    for (let from = firstId(); from !== undefined; ) {
      const to = Number(from) + PRUNE_ROWS;
      total += Number(remove.run(from, to, ...params).changes);
      const next = firstId();
      if (next === undefined || next < to) return total;
      from = next;
      await nextTurn();
    }
    return total;
  }

  /** Deletes all but the newest `keep` rows of `table` (by id: one per request, or per row in `features`). */
  async function pruneBeyondNewest(table: string, keep: number): Promise<number> {
    const { last } = db.prepare(`SELECT COALESCE(MAX(id), 0) AS last FROM ${table}`).get() as {
      last: number;
    };
    return pruneOldest(table, "id <= ?", Number(last) - keep);
  }

  const firstRowFrom = db.prepare(
    "SELECT id, row_end AS rowEnd, vectors IS NOT NULL AS hasVectors FROM predictions WHERE id >= ? ORDER BY id LIMIT 1",
  );
  const lastId = db.prepare("SELECT COALESCE(MAX(id), 0) AS last FROM predictions");
  const clearVectors = db.prepare(
    "UPDATE predictions SET vectors = NULL WHERE id >= ? AND id < ? AND vectors IS NOT NULL",
  );
  interface RowAt {
    id: number;
    rowEnd: number | null;
    hasVectors: number;
  }

  /**
   * The least id from which the rows of predictions all satisfy `holds` (one past the last id if none does), by
   * bisection over the ids: ≈ 20 look-ups by the primary key for a million rows. `holds` must hold of a suffix of
   * the table's rows in id order (rows with vectors; rows with row_end above a bound).
   */
  function startOfSuffix(holds: (row: RowAt) => boolean): number {
    let low = 0;
    let high = Number((lastId.get() as { last: number }).last) + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const row = firstRowFrom.get(middle) as RowAt | undefined;
      if (row === undefined || holds(row)) high = middle;
      else low = Number(row.id) + 1;
    }
    return low;
  }

  /**
   * The first id whose vectors may still be set: the rows before it have none (cleared by the row-count retention,
   * or logged before the one-table format), so retention never scans them again.
   */
  let vectorsFrom = startOfSuffix((row) => row.hasVectors === 1);

  /**
   * The row-count retention of the model's input (whole requests: those whose rows all lie before the last `keep`
   * rows logged): their vectors are set to NULL, the request and its predictions stay. CLEAR_ROWS ids per
   * statement, yielding between them, from where the last pass stopped.
   */
  async function clearVectorsBeyondNewest(keep: number): Promise<number> {
    const limit = rowEnd - keep;
    const until = startOfSuffix((row) => row.rowEnd !== null && Number(row.rowEnd) > limit);
    let from = Math.max(vectorsFrom, Number((firstRowFrom.get(0) as RowAt | undefined)?.id ?? until));
    let total = 0;
    while (from < until) {
      const to = Math.min(until, from + CLEAR_ROWS);
      total += Number(clearVectors.run(from, to).changes);
      from = to;
      vectorsFrom = from;
      if (from < until) await nextTurn();
    }
    return total;
  }

  async function prune(): Promise<void> {
    try {
      let rows = 0;
      const cutoff = Date.now() - settings.retentionDays * 86_400_000;
      if (settings.retentionDays > 0) {
        rows += await pruneOldest("predictions", "time < ?", cutoff);
        rows += await pruneOldest("feedback", "time < ?", cutoff);
        if (legacyRequestFeatures) rows += await pruneOldest("request_features", "time < ?", cutoff);
        if (legacyFeatures) rows += await pruneOldest("features", "time < ?", cutoff);
      }
      if (settings.maxRequests > 0) rows += await pruneBeyondNewest("predictions", settings.maxRequests);
      // Whole requests: those whose rows all lie before the last maxFeatureRows rows logged.
      if (settings.maxFeatureRows > 0) rows += await clearVectorsBeyondNewest(settings.maxFeatureRows);
      if (legacyRequestFeatures && settings.maxFeatureRows > 0)
        rows += await pruneOldest("request_features", "row_end <= ?", rowEnd - settings.maxFeatureRows);
      if (legacyFeatures && settings.maxFeatureRows > 0)
        rows += await pruneBeyondNewest("features", settings.maxFeatureRows);
      if (rows > 0) reply({ kind: "pruned", rows });
    } catch {
      // Pruning is retried on the next tick; a failure here must not stop the writes.
    }
  }

  /** How many of the versions most recently logged get an awaiting-label count (a bounded label set). */
  const AWAITING_VERSIONS = 10;
  const countPredicted = db.prepare(`
    SELECT model_version AS version, SUM(rows) AS rows, MAX(time) AS latest FROM predictions
    WHERE id > ? AND id <= ? GROUP BY model_version
  `);
  const countLabelled = db.prepare(`
    SELECT p.model_version AS version, COUNT(*) AS rows
    FROM (SELECT DISTINCT request_id, row FROM feedback WHERE id > ? AND id <= ?) f
    JOIN predictions p ON p.request_id = f.request_id
    GROUP BY p.model_version
  `);
  const idRange = (table: string) =>
    db.prepare(`SELECT COALESCE(MIN(id), 1) - 1 AS first, COALESCE(MAX(id), 0) AS last FROM ${table}`);
  const predictionIds = idRange("predictions");
  const feedbackIds = idRange("feedback");

  /**
   * Sums `statement`'s per-version rows over the table's ids, COUNT_RANGE ids per statement with a yield between:
   * never one scan of the whole table in one turn. Approximate: rows written or pruned meanwhile may be missed, and
   * a row labelled twice in two ranges counts twice; the next count corrects it.
   */
  async function sumByVersion(
    statement: StatementSync,
    ids: StatementSync,
    into: Map<string, { rows: number; latest: number }>,
    sign: number,
  ): Promise<void> {
    const { first, last } = ids.get() as { first: number; last: number };
    for (let from = Number(first); from < Number(last); from += COUNT_RANGE) {
      const counts = statement.all(from, from + COUNT_RANGE) as unknown as {
        version: string;
        rows: number;
        latest?: number;
      }[];
      for (const { version, rows, latest } of counts) {
        const total = into.get(version) ?? { rows: 0, latest: 0 };
        total.rows += sign * Number(rows);
        total.latest = Math.max(total.latest, Number(latest ?? 0));
        into.set(version, total);
      }
      await nextTurn();
    }
  }

  async function reportAwaiting(): Promise<void> {
    try {
      const byVersion = new Map<string, { rows: number; latest: number }>();
      await sumByVersion(countPredicted, predictionIds, byVersion, 1);
      await sumByVersion(countLabelled, feedbackIds, byVersion, -1);
      const recent = [...byVersion]
        .filter(([, { latest }]) => latest > 0)
        .sort(([, a], [, b]) => b.latest - a.latest)
        .slice(0, AWAITING_VERSIONS);
      reply({
        kind: "awaiting",
        byVersion: Object.fromEntries(recent.map(([version, { rows }]) => [version, Math.max(0, rows)])),
      });
    } catch {
      // Counted again on the next tick.
    }
  }

  async function maintain(): Promise<void> {
    await prune();
    await reportAwaiting();
  }

  const checkpointer = new WalCheckpointer(db, settings.file);
  /** Bytes logged since the last checkpoint, and whether one is queued. */
  let unsynced = 0;
  let checkpointQueued = false;

  async function checkpoint(): Promise<void> {
    checkpointQueued = false;
    if (unsynced === 0) return;
    unsynced = 0;
    await checkpointer.checkpoint();
  }

  function queueCheckpoint(): void {
    if (checkpointQueued || unsynced === 0) return;
    checkpointQueued = true;
    enqueue(checkpoint);
  }

  /**
   * Writes a flush in slices of about SLICE_ROWS rows (one statement per table each), yielding (setImmediate) once a
   * turn has taken TURN_BUDGET_MS: on the thread shared with inference (every slice, ≈ 0.3 ms) a model run waits for
   * one slice, not for the whole flush; on the event loop (slices of 8 rows, ≈ 0.25 ms a turn) the requests of the
   * next turn wait at most that long (bench:log-writer-stalls), and since every turn writes for that long the writer
   * keeps up with the requests that turn serves (8 rows a turn did not: half the rows were dropped under wrk).
   * One transaction per flush, up to TRANSACTION_BYTES: a commit appends a fresh copy of every page the transaction
   * touched to the WAL, and the rows of a flush all land on the same few right-edge pages (the tables' and their time
   * and request-id indexes': ids and times grow), so committing per slice of 128 rows wrote those pages about seven
   * times per flush and the commits were most of the thread's CPU (serve/README.md). The bound keeps a commit (and
   * the checkpoint that may follow it, each in a turn of its own on the loop) short when a flush is large: 100-row
   * requests, or a backlog. A slice that fails rolls its transaction back: its rows and the rest of the flush's are
   * counted as dropped; an entry is never half-written.
   */
  async function writeBatch(batch: LogBatch): Promise<{ written: number; error?: string }> {
    const { count, textEnds, featureEnds } = batch;
    /** Bytes of entries 0..i (exclusive): their text and feature rows. */
    const bytesBefore = (i: number) =>
      i === 0 ? 0 : (textEnds[3 * i - 1] as number) + 4 * (featureEnds[i - 1] as number);
    let committed = 0;
    let open = 0;
    let openBytes = 0;
    let checkpointFailure: unknown;
    const yieldOnLoop = () => (TURN_BUDGET_MS > 0 ? nextTurn() : undefined);
    try {
      let turnStart = performance.now();
      for (let from = 0; from < count; ) {
        if (!db.isTransaction) db.exec("BEGIN");
        let to = from;
        let rows = 0;
        while (to < count && (to === from || rows + (batch.rows[to] as number) <= SLICE_ROWS))
          rows += batch.rows[to++] as number;
        open += writeEntries(batch, from, to, rowEnd + open);
        openBytes += bytesBefore(to) - bytesBefore(from);
        from = to;
        if (from === count || openBytes >= TRANSACTION_BYTES) {
          await yieldOnLoop();
          db.exec("COMMIT");
          committed += open;
          rowEnd += open;
          unsynced += openBytes;
          open = 0;
          openBytes = 0;
          if (unsynced >= CHECKPOINT_BYTES) {
            await yieldOnLoop();
            await checkpoint().catch((error: unknown) => {
              checkpointFailure = error;
              throw error;
            });
          }
          turnStart = performance.now();
        } else if (performance.now() - turnStart >= TURN_BUDGET_MS) {
          await nextTurn();
          turnStart = performance.now();
        }
      }
      return { written: committed };
    } catch (error) {
      if (checkpointFailure !== undefined) throw checkpointFailure; // the writer stops: `failed`
      insertPredictions.discard();
      if (db.isTransaction) db.exec("ROLLBACK");
      return { written: committed, error: (error as Error).message };
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
        reply(
          {
            kind: "written",
            id: message.id,
            written,
            failed: rows - written,
            ...(error ? { error } : {}),
            batch: message.batch,
          },
          batchBuffers(message.batch),
        );
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
        stopTimers();
        try {
          await checkpoint(); // synced, so the database is durable once closed
          await checkpointer.close();
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

  // One task at a time, in order, even while a write yields between slices: a feedback look-up must see the
  // predictions shipped before it, close must follow the last write, and maintenance and checkpoints never run
  // inside a write's transaction. A task that throws anyway ends the writer: `failed` says why, the server serves on
  // without its log (on the event loop an error escaping here would otherwise stop the whole server).
  let handled = Promise.resolve();
  let stopped = false;
  function enqueue(task: () => Promise<void>): void {
    // Each task starts on a turn of its own: a checkpoint never runs in the turn of the commit before it.
    handled = handled
      .then(nextTurn)
      .then(() => (stopped ? undefined : task()))
      .catch((error: unknown) => fail(error));
  }
  function fail(error: unknown): void {
    if (stopped) return;
    stopped = true;
    stopTimers();
    reply({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    void checkpointer.close().catch(() => {});
    try {
      if (db.isOpen) db.close();
    } catch {
      // Closing a database that failed: nothing more to do.
    }
    exit(1);
  }
  port.on("message", (message: LogRequest) => enqueue(() => handle(message)));

  enqueue(maintain);
  const maintenanceTimer = setInterval(() => enqueue(maintain), settings.maintenanceMs);
  const checkpointTimer = setInterval(queueCheckpoint, settings.checkpointMs);
  maintenanceTimer.unref();
  checkpointTimer.unref();
  function stopTimers(): void {
    clearInterval(maintenanceTimer);
    clearInterval(checkpointTimer);
  }

  const niceFailed = settings.threadNice > 0 ? lowerThreadPriority(settings.threadNice) : undefined;
  reply({ kind: "opened", file: settings.file, ...(niceFailed ? { niceFailed } : {}) });
  return {
    dispose: () => {
      stopped = true;
      stopTimers();
      void checkpointer.close().catch(() => {});
      if (db.isOpen) db.close();
    },
  };
}
