// The prediction log on its own (a real SQLite file, its real writer thread): batches written in order, losses
// counted (queue full, unusable disk), retention by age and by count.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PredictionLog, type PredictionLogOptions } from "../../serve/prediction-log.js";
import type { LogEntry } from "../../serve/prediction-log-protocol.js";
import { tempDir } from "./support/harness.js";

const temp = tempDir("prediction-log");
test.after(() => temp.remove());

const DAY = 86_400_000;

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
  };
}

function open(dir: string, overrides: Partial<PredictionLogOptions> = {}) {
  const dropped: [number, string][] = [];
  const errors: string[] = [];
  const log = new PredictionLog(
    { dataDir: dir, maxQueuedRows: 1000, flushMs: 10, retentionDays: 0, maxRequests: 0, ...overrides },
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
    db.prepare("SELECT request_id FROM predictions ORDER BY id").all() as unknown as { request_id: string }[]
  ).map((row) => row.request_id);
  db.close();
  return ids;
}

test("entries are written in order, one line per row in prediction_rows; close flushes what is queued", async () => {
  const dir = join(temp.dir, "ordered");
  const { log, dropped } = open(dir, { flushMs: 60_000 });
  assert.equal(await log.start(), { ok: true });
  for (let i = 0; i < 20; i++) log.record(entry(`r${i}`, Date.now(), 3));
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

test("a full queue drops and counts, it never blocks", async () => {
  const dir = join(temp.dir, "full");
  const { log, dropped } = open(dir, { maxQueuedRows: 10, flushMs: 60_000 });
  await log.start();
  for (let i = 0; i < 5; i++) log.record(entry(`f${i}`, Date.now(), 4));
  assert.equal(dropped, [
    [4, "queue_full"],
    [4, "queue_full"],
    [4, "queue_full"],
  ]);
  await log.close();
  assert.equal(requestIds(dir), ["f0", "f1"]);
});

test("an unusable data directory: the log reports it and counts every row as dropped", async () => {
  const file = join(temp.dir, "not-a-directory");
  writeFileSync(file, "");
  const { log, dropped, errors } = open(join(file, "data"));
  const started = await log.start();
  assert.is(started.ok, false);
  assert.match(errors[0] ?? "", /not-a-directory/);
  log.record(entry("lost", Date.now(), 2));
  assert.equal(dropped, [[2, "unavailable"]]);
  await log.close();
});

test("retention: rows older than the limit and beyond the count are pruned", async () => {
  const dir = join(temp.dir, "retention");
  const first = open(dir);
  await first.log.start();
  for (let i = 0; i < 4; i++) first.log.record(entry(`old${i}`, Date.now() - 10 * DAY));
  for (let i = 0; i < 6; i++) first.log.record(entry(`new${i}`));
  await first.log.close();
  assert.is(requestIds(dir).length, 10);
  const second = open(dir, { retentionDays: 7, maxRequests: 4 });
  await second.log.start(); // prunes on start, then every minute
  await second.log.close();
  assert.equal(requestIds(dir), ["new2", "new3", "new4", "new5"]);
});

test.run();
