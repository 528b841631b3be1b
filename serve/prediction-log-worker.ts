// The prediction log's writer thread: owns the SQLite database (better-sqlite3, WAL), writes each batch the main
// thread sends in one transaction, answers feedback look-ups, and prunes by age and row count. Its synchronous
// disk work never touches the event loop that serves requests.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Label, Prediction } from "./model/predictions.js";
import type {
  FeedbackMatch,
  LogEntry,
  LogFeature,
  LogReply,
  LogRequest,
  LogWorkerData,
} from "./prediction-log-protocol.js";

const port = parentPort;
if (!port) throw new Error("prediction-log-worker.ts runs as a worker thread");
const settings = workerData as LogWorkerData;
const reply = (message: LogReply) => port.postMessage(message);

let db: Database.Database;
try {
  mkdirSync(dirname(settings.file), { recursive: true });
  db = new Database(settings.file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(`
    CREATE TABLE IF NOT EXISTS predictions (
      id INTEGER PRIMARY KEY,
      request_id TEXT NOT NULL,
      row INTEGER NOT NULL,
      time INTEGER NOT NULL,
      model_version TEXT NOT NULL,
      features TEXT NOT NULL,
      prediction TEXT NOT NULL,
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
  `);
} catch (error) {
  reply({ kind: "open_failed", message: `${settings.file}: ${(error as Error).message}` });
  process.exit(0);
}

const insertPrediction = db.prepare(
  "INSERT INTO predictions (request_id, row, time, model_version, features, prediction, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
);
const selectPredictions = db.prepare(
  "SELECT row, prediction FROM predictions WHERE request_id = ? ORDER BY row",
);
const insertFeedback = db.prepare(
  "INSERT INTO feedback (request_id, row, time, actual, prediction, abs_error) VALUES (?, ?, ?, ?, ?, ?)",
);
const schemas = new Map<string, { task: string; features: LogFeature[] }>();

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612). */
function shortest(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

function predictionJson(prediction: Prediction | undefined): string {
  if (prediction === undefined) return "null";
  if (typeof prediction === "number") return JSON.stringify(shortest(prediction));
  const probabilities: Record<string, number> = {};
  for (const [label, p] of Object.entries(prediction.probabilities)) probabilities[label] = shortest(p);
  return JSON.stringify({ label: prediction.label, probabilities });
}

function featuresJson(schema: LogFeature[], entry: LogEntry, row: number): string {
  const width = schema.length;
  const record: Record<string, string | number | null> = {};
  for (let j = 0; j < width; j++) {
    const feature = schema[j] as LogFeature;
    const code = entry.tensor[row * width + j] as number;
    if (Number.isNaN(code)) record[feature.name] = null;
    else if (feature.categories) record[feature.name] = code >= 0 ? (feature.categories[code] ?? code) : null;
    else record[feature.name] = shortest(code);
  }
  for (const [unseenRow, j, value] of entry.unseen ?? []) {
    if (unseenRow === row) record[(schema[j] as LogFeature).name] = value;
  }
  return JSON.stringify(record);
}

const writeEntries = db.transaction((entries: LogEntry[]) => {
  let written = 0;
  for (const entry of entries) {
    const schema = schemas.get(entry.version)?.features ?? [];
    for (let row = 0; row < entry.rows; row++) {
      insertPrediction.run(
        entry.requestId,
        row,
        entry.time,
        entry.version,
        featuresJson(schema, entry, row),
        predictionJson(entry.predictions[row]),
        entry.latencyMs,
      );
      written++;
    }
  }
  return written;
});

function errorOf(prediction: Prediction, actual: Label): number {
  if (typeof prediction === "number") return Math.abs(Number(actual) - prediction);
  return String(prediction.label) === String(actual) ? 0 : 1;
}

const recordFeedback = db.transaction(
  (requestId: string, row: number | undefined, actual: Label | Label[], time: number): FeedbackMatch[] => {
    const logged = selectPredictions.all(requestId) as { row: number; prediction: string }[];
    const matches: FeedbackMatch[] = [];
    for (const { row: loggedRow, prediction: text } of logged) {
      if (row !== undefined && loggedRow !== row) continue;
      const value = Array.isArray(actual) ? actual[loggedRow] : actual;
      if (value === undefined) continue;
      const prediction = JSON.parse(text) as Prediction;
      const absError = errorOf(prediction, value);
      insertFeedback.run(requestId, loggedRow, time, JSON.stringify(value), text, absError);
      matches.push({ row: loggedRow, prediction, actual: value, absError });
    }
    return matches;
  },
);

function prune(): void {
  try {
    let rows = 0;
    if (settings.retentionDays > 0) {
      const cutoff = Date.now() - settings.retentionDays * 86_400_000;
      rows += db.prepare("DELETE FROM predictions WHERE time < ?").run(cutoff).changes;
      rows += db.prepare("DELETE FROM feedback WHERE time < ?").run(cutoff).changes;
    }
    if (settings.maxRows > 0) {
      rows += db
        .prepare("DELETE FROM predictions WHERE id <= (SELECT MAX(id) FROM predictions) - ?")
        .run(settings.maxRows).changes;
    }
    if (rows > 0) reply({ kind: "pruned", rows });
  } catch {
    // Pruning is retried on the next tick; a failure here must not stop the writes.
  }
}

prune();
const pruneTimer = setInterval(prune, 60_000);
pruneTimer.unref();

port.on("message", (message: LogRequest) => {
  switch (message.kind) {
    case "model":
      schemas.set(message.version, { task: message.task, features: message.features });
      return;
    case "write": {
      const rows = message.entries.reduce((sum, entry) => sum + entry.rows, 0);
      try {
        const written = writeEntries(message.entries);
        reply({ kind: "written", id: message.id, written, failed: rows - written });
      } catch (error) {
        reply({ kind: "written", id: message.id, written: 0, failed: rows, error: (error as Error).message });
      }
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
        db.pragma("wal_checkpoint(TRUNCATE)");
        db.close();
      } finally {
        reply({ kind: "closed" });
      }
      return;
  }
});

reply({ kind: "opened", file: settings.file });
