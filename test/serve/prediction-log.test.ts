// The prediction log on its own (a real SQLite file, its real writer, on a thread and on the event loop: every test
// runs for both): batches written in order, losses counted (queue full, unusable disk), retention by age and by count,
// the model's input kept per request beside its predictions (one row, one request-id index entry), older logs migrated.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type LogWriterPlace, PredictionLog, type PredictionLogOptions } from "../../serve/prediction-log.js";
import type { LogEntry } from "../../serve/prediction-log-protocol.js";
import { readLoggedRows } from "../../src/monitor/logged-rows.js";
import { tempDir } from "./support/harness.js";

const DAY = 86_400_000;
const FEATURES = [{ name: "x" }, { name: "y" }];

function entry(requestId: string, time = Date.now(), rows = 1): LogEntry {
  const body = JSON.stringify({ instances: Array.from({ length: rows }, (_, i) => ({ x: i })) });
  return {
    requestId,
    time,
    version: "v1",
    rows,
    request: new TextEncoder().encode(body),
    predictions: JSON.stringify(Array.from({ length: rows }, (_, i) => i + 0.5)),
    latencyMs: 1.25,
    features: Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 0.1 * i)),
  };
}

for (const writer of ["thread", "event-loop"] satisfies LogWriterPlace[]) {
  const it = suite(`prediction log, writer on ${writer}`);
  const temp = tempDir(`prediction-log-${writer}`);
  it.after(() => temp.remove());

  function open(dir: string, overrides: Partial<PredictionLogOptions> = {}) {
    const dropped: [number, string][] = [];
    const errors: string[] = [];
    const log = new PredictionLog(
      {
        dataDir: dir,
        maxQueuedRows: 1000,
        flushMs: 10,
        retentionDays: 0,
        maxRequests: 0,
        maxFeatureRows: 0,
        writer,
        ...overrides,
      },
      {
        onDropped: (rows, reason) => dropped.push([rows, reason]),
        onWritten: () => {},
        onError: (m) => errors.push(m),
      },
    );
    return { log, dropped, errors };
  }

  function requestIds(dir: string): string[] {
    const db = new DatabaseSync(join(dir, "predictions.sqlite"), { readOnly: true });
    const ids = (
      db.prepare("SELECT request_id FROM predictions ORDER BY id").all() as unknown as {
        request_id: string;
      }[]
    ).map((row) => row.request_id);
    db.close();
    return ids;
  }

  it("entries are written in order, one line per row in prediction_rows; close flushes what is queued", async () => {
    const dir = join(temp.dir, "ordered");
    const { log, dropped } = open(dir, { flushMs: 60_000 });
    assert.equal(await log.start(), { ok: true, value: undefined });
    for (let i = 0; i < 20; i++) log.record(entry(`r${i}`, Date.now(), 3), FEATURES);
    assert.is(log.pendingRows, 60);
    await log.close();
    assert.equal(
      requestIds(dir),
      Array.from({ length: 20 }, (_, i) => `r${i}`),
    );
    const db = new DatabaseSync(join(dir, "predictions.sqlite"), { readOnly: true });
    const rows = db
      .prepare("SELECT row, features, prediction FROM prediction_rows WHERE request_id = 'r7'")
      .all()
      .map((row) => ({ ...row }));
    db.close();
    assert.equal(rows, [
      { row: 0, features: '{"x":0}', prediction: 0.5 },
      { row: 1, features: '{"x":1}', prediction: 1.5 },
      { row: 2, features: '{"x":2}', prediction: 2.5 },
    ]);
    assert.equal(dropped, []);
  });

  it("a full queue drops and counts, it never blocks", async () => {
    const dir = join(temp.dir, "full");
    const { log, dropped } = open(dir, { maxQueuedRows: 10, flushMs: 60_000 });
    await log.start();
    for (let i = 0; i < 5; i++) log.record(entry(`f${i}`, Date.now(), 4), FEATURES);
    assert.equal(dropped, [
      [4, "queue_full"],
      [4, "queue_full"],
      [4, "queue_full"],
    ]);
    await log.close();
    assert.equal(requestIds(dir), ["f0", "f1"]);
  });

  it("SERVE_LOG_THREAD_NICE: a writer's thread runs at the nice value asked (Linux); on the loop it is not applied, and said", async () => {
    if (!existsSync("/proc/thread-self")) return;
    const dir = join(temp.dir, "nice");
    const { log, dropped, errors } = open(dir, { threadNice: 7, flushMs: 60_000 });
    await log.start();
    const nices = (name: string) =>
      readdirSync("/proc/self/task")
        .map((task) => readFileSync(`/proc/self/task/${task}/stat`, "utf8"))
        .filter((stat) => stat.includes(`(${name})`))
        .map((stat) => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    if (writer === "thread") {
      assert.equal(nices("prediction-log"), [7]);
      assert.equal(errors, []);
    } else {
      assert.equal(nices("prediction-log"), [], "no writer thread");
      assert.equal(
        nices(readFileSync("/proc/self/comm", "utf8").trim()).slice(0, 1),
        [0],
        "the loop keeps its priority",
      );
      assert.match(errors.join("\n"), /SERVE_LOG_THREAD_NICE not applied/);
    }
    for (let i = 0; i < 5; i++) log.record(entry(`n${i}`, Date.now(), 2), FEATURES);
    await log.close();
    assert.equal(requestIds(dir), ["n0", "n1", "n2", "n3", "n4"]);
    assert.equal(dropped, []);
  });

  it("an unusable data directory: the log reports it and counts every row as dropped", async () => {
    const file = join(temp.dir, "not-a-directory");
    writeFileSync(file, "");
    const { log, dropped, errors } = open(join(file, "data"));
    const started = await log.start();
    assert.is(started.ok, false);
    assert.match(errors[0] ?? "", /not-a-directory/);
    log.record(entry("lost", Date.now(), 2), FEATURES);
    assert.equal(dropped, [[2, "unavailable"]]);
    await log.close();
  });

  it("a writer that fails says so (failed), and the log then drops and counts, without stopping the process", async () => {
    const dir = join(temp.dir, "failing");
    const { log, dropped, errors } = open(dir, { checkpointMs: 10 });
    await log.start();
    // The writer syncs the WAL at its first checkpoint: with the file gone it cannot, and stops.
    rmSync(join(dir, "predictions.sqlite-wal"));
    log.record(entry("before", Date.now(), 2), FEATURES);
    for (let i = 0; i < 200 && !errors.some((m) => /writer failed/.test(m)); i++)
      await new Promise((resolveLater) => setTimeout(resolveLater, 10));
    assert.match(errors.join("\n"), /prediction log writer failed, serving without the log: .*ENOENT/);
    log.record(entry("after", Date.now(), 3), FEATURES);
    assert.equal(dropped.at(-1), [3, "unavailable"]);
    await log.close();
  });

  it("retention: rows older than the limit and beyond the count are pruned", async () => {
    const dir = join(temp.dir, "retention");
    const first = open(dir);
    await first.log.start();
    for (let i = 0; i < 4; i++) first.log.record(entry(`old${i}`, Date.now() - 10 * DAY), FEATURES);
    for (let i = 0; i < 6; i++) first.log.record(entry(`new${i}`), FEATURES);
    await first.log.close();
    assert.is(requestIds(dir).length, 10);
    const second = open(dir, { retentionDays: 7, maxRequests: 4 });
    await second.log.start(); // prunes on start, then every minute
    await second.log.close();
    assert.equal(requestIds(dir), ["new2", "new3", "new4", "new5"]);
  });

  it("retention over many statements' worth of rows keeps exactly the newest requests and model inputs", async () => {
    const dir = join(temp.dir, "retention-many");
    const first = open(dir);
    await first.log.start();
    for (let i = 0; i < 700; i++) first.log.record(entry(`r${i}`), FEATURES);
    await first.log.close();
    const withVectors = () =>
      query<{ request_id: string }>(
        dir,
        "SELECT request_id FROM predictions WHERE vectors IS NOT NULL ORDER BY id",
      ).map(({ request_id }) => request_id);
    // The model's input of all but the newest 330 rows is cleared; the requests stay.
    const second = open(dir, { maxFeatureRows: 330 });
    await second.log.start(); // prunes on start
    await second.log.close();
    assert.is(requestIds(dir).length, 700);
    assert.equal(
      withVectors(),
      Array.from({ length: 330 }, (_, i) => `r${370 + i}`),
    );
    // A later pass starts where this one stopped, and a log reopened finds that place again.
    const third = open(dir, { maxRequests: 100, maxFeatureRows: 50 });
    await third.log.start();
    await third.log.close();
    assert.equal(
      requestIds(dir),
      Array.from({ length: 100 }, (_, i) => `r${600 + i}`),
    );
    assert.equal(
      withVectors(),
      Array.from({ length: 50 }, (_, i) => `r${650 + i}`),
    );
  });

  it("a log from before the one-table format gains the columns, keeps its request_features readable and pruned, and counts rows on from it", async () => {
    const dir = join(temp.dir, "migrated");
    mkdirSync(dir, { recursive: true });
    const db = new DatabaseSync(join(dir, "predictions.sqlite"));
    db.exec(`CREATE TABLE predictions (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, time INTEGER NOT NULL,
        model_version TEXT NOT NULL, rows INTEGER NOT NULL, request TEXT NOT NULL, predictions TEXT NOT NULL,
        latency_ms REAL NOT NULL);
      CREATE INDEX predictions_request_id ON predictions (request_id);
      CREATE TABLE request_features (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, time INTEGER NOT NULL,
        model_version TEXT NOT NULL, rows INTEGER NOT NULL, row_end INTEGER NOT NULL, vectors BLOB NOT NULL);
      CREATE INDEX request_features_request_id ON request_features (request_id);
      CREATE INDEX request_features_time ON request_features (time);
      CREATE INDEX request_features_row_end ON request_features (row_end);
      CREATE TABLE feature_names (model_version TEXT PRIMARY KEY, names TEXT NOT NULL);
      INSERT INTO feature_names VALUES ('v1', '["x","y"]');`);
    const old = entry("old", Date.now(), 2);
    db.prepare(
      "INSERT INTO predictions (request_id, time, model_version, rows, request, predictions, latency_ms) VALUES (?, ?, 'v1', 2, ?, ?, 1)",
    ).run("old", old.time, new TextDecoder().decode(old.request), old.predictions);
    db.prepare(
      "INSERT INTO request_features (request_id, time, model_version, rows, row_end, vectors) VALUES ('old', ?, 'v1', 2, 2, ?)",
    ).run(old.time, new Uint8Array(old.features.buffer));
    db.close();
    const { log, errors } = open(dir);
    assert.equal(await log.start(), { ok: true, value: undefined });
    const next = entry("new", Date.now() + 1, 3);
    log.record(next, FEATURES);
    await log.close();
    assert.equal(errors, []);
    assert.equal(
      query(dir, "SELECT request_id, row_end, vectors IS NOT NULL AS has FROM predictions ORDER BY id"),
      [
        { request_id: "old", row_end: null, has: 0 },
        { request_id: "new", row_end: 5, has: 1 },
      ],
    );
    assert.equal(
      query(dir, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_features'"),
      [{ name: "request_features_request_id" }],
    );
    const read = readLoggedRows(join(dir, "predictions.sqlite"), {});
    if (!read.ok) return assert.unreachable(read.error.message);
    assert.equal(
      read.value.map((row) => [row.requestId, row.row, row.processed]),
      [
        ["old", 0, { x: old.features[0], y: old.features[1] }],
        ["old", 1, { x: old.features[2], y: old.features[3] }],
        ["new", 0, { x: next.features[0], y: next.features[1] }],
        ["new", 1, { x: next.features[2], y: next.features[3] }],
        ["new", 2, { x: next.features[4], y: next.features[5] }],
      ],
    );
    // Its row-count retention still removes the old request's input there.
    const pruned = open(dir, { maxFeatureRows: 3 });
    await pruned.log.start();
    await pruned.log.close();
    assert.equal(query(dir, "SELECT COUNT(*) AS n FROM request_features"), [{ n: 0 }]);
  });

  function query<T>(dir: string, sql: string, ...params: (string | number)[]): T[] {
    const db = new DatabaseSync(join(dir, "predictions.sqlite"), { readOnly: true });
    const rows = db
      .prepare(sql)
      .all(...params)
      .map((row) => ({ ...row }));
    db.close();
    return rows as T[];
  }

  it("the model's input: one float32 matrix per request (rows × features), named by the version's feature names", async () => {
    const dir = join(temp.dir, "features");
    const { log } = open(dir);
    await log.start();
    const sent = entry("with-features", Date.now(), 3);
    log.record(sent, FEATURES);
    log.record({ ...entry("next-version", Date.now(), 1), version: "v2" }, [{ name: "a" }, { name: "b" }]);
    await log.close();
    const rows = query<{ rows: number; row_end: number; model_version: string; vectors: Uint8Array }>(
      dir,
      "SELECT rows, row_end, model_version, vectors FROM predictions WHERE request_id = ?",
      "with-features",
    );
    assert.equal(
      rows.map(({ vectors, ...rest }) => ({
        ...rest,
        vectors: Array.from(new Float32Array(vectors.slice().buffer)),
      })),
      [{ rows: 3, row_end: 3, model_version: "v1", vectors: Array.from(sent.features) }],
    );
    assert.equal(query(dir, "SELECT model_version, names FROM feature_names ORDER BY model_version"), [
      { model_version: "v1", names: '["x","y"]' },
      { model_version: "v2", names: '["a","b"]' },
    ]);
    // The look-ups the readers and the retention make use an index, not a scan of the table.
    const plan = (sql: string) =>
      query<{ detail: string }>(dir, `EXPLAIN QUERY PLAN ${sql}`, "x")
        .map((step) => step.detail)
        .join("; ");
    assert.match(
      plan("SELECT * FROM predictions WHERE request_id = ?"),
      /USING INDEX predictions_request_id/,
    );
    // Retention deletes and clears by ranges of the primary key; no index on row_end to maintain per request.
    assert.match(
      plan("UPDATE predictions SET vectors = NULL WHERE id >= ? AND id < ? AND vectors IS NOT NULL"),
      /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/,
    );
    assert.equal(
      query(
        dir,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name",
        "predictions",
      ),
      [{ name: "predictions_request_id" }, { name: "predictions_time" }],
    );
    assert.equal(query(dir, "SELECT name FROM sqlite_master WHERE name = 'request_features'"), []);
  });

  it("a flush of many requests of many rows (written many rows per statement) keeps every row, in order", async () => {
    const dir = join(temp.dir, "chunked");
    const { log, dropped } = open(dir, { flushMs: 60_000 });
    await log.start();
    const sizes = [130, ...Array.from({ length: 149 }, (_, i) => 1 + (i % 5)), 64, 63];
    const sent = sizes.map((rows, i) => entry(`c${i}`, 1_000 + i, rows));
    for (const one of sent) log.record(one, FEATURES);
    await log.close();
    assert.equal(
      requestIds(dir),
      sent.map((one) => one.requestId),
    );
    const rows = query<{
      request_id: string;
      rows: number;
      row_end: number;
      time: number;
      vectors: Uint8Array;
    }>(dir, "SELECT request_id, rows, row_end, time, vectors FROM predictions ORDER BY id");
    let rowEnd = 0;
    const expected = sent.map((one) => {
      rowEnd += one.rows;
      return {
        request_id: one.requestId,
        rows: one.rows,
        row_end: rowEnd,
        time: one.time,
        vectors: Array.from(one.features),
      };
    });
    assert.equal(
      rows.map(({ vectors, ...rest }) => ({
        ...rest,
        vectors: Array.from(new Float32Array(vectors.slice().buffer)),
      })),
      expected,
    );
    assert.equal(dropped, []);
  });

  it("while the writer is busy, later flushes wait and follow in order; feedback sees what was just recorded", async () => {
    const dir = join(temp.dir, "backlog");
    const { log, dropped } = open(dir, { flushMs: 2, maxQueuedRows: 100_000 });
    await log.start();
    const sent: LogEntry[] = [];
    // A first flush big enough to keep the writer busy for many flush intervals, then small ones while it works.
    for (let i = 0; i < 300; i++) sent.push(entry(`big${i}`, Date.now(), 100));
    for (const one of sent) log.record(one, FEATURES);
    await new Promise((resolveLater) => setTimeout(resolveLater, 5));
    for (let round = 0; round < 20; round++) {
      const one = entry(`small${round}`, Date.now(), 2);
      sent.push(one);
      log.record(one, FEATURES);
      await new Promise((resolveLater) => setTimeout(resolveLater, 3));
    }
    const feedback = await log.feedback("small19", 1, 7);
    assert.is(
      feedback.ok && feedback.value.length,
      1,
      "the last request is written before its feedback is joined",
    );
    await log.close();
    assert.equal(
      requestIds(dir),
      sent.map((one) => one.requestId),
    );
    const [count] = query<{ n: number }>(
      dir,
      "SELECT SUM(rows) AS n FROM predictions WHERE vectors IS NOT NULL",
    );
    assert.is(count?.n, 300 * 100 + 20 * 2);
    assert.equal(dropped, []);
  });

  it("feature rows are pruned by age and by count (whole requests) while the server runs, on the maintenance interval", async () => {
    const dir = join(temp.dir, "feature-retention");
    const { log } = open(dir, { retentionDays: 7, maxFeatureRows: 5, maintenanceMs: 50 });
    await log.start();
    log.record(entry("old", Date.now() - 10 * DAY, 2), FEATURES);
    for (let i = 0; i < 4; i++) log.record(entry(`new${i}`, Date.now(), 2), FEATURES);
    const requests = () =>
      query<{ request_id: string }>(
        dir,
        "SELECT request_id FROM predictions WHERE vectors IS NOT NULL ORDER BY id",
      ).map(({ request_id }) => request_id);
    let kept = requests();
    for (let i = 0; i < 100 && kept.length !== 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      kept = requests();
    }
    // The last 5 of the 10 rows logged are new1's second row and new2's and new3's: new1 is kept whole.
    assert.equal(kept, ["new1", "new2", "new3"]);
    await log.close();
  });

  it.run();
}
