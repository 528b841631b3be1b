// `tabula monitor` and `tabula log export` on a prediction log written by the server's real log writer (SQLite,
// its writer thread) for a packaged model: traffic drawn from the training distribution raises no drift, a shifted
// feature is found; live error and the labelled export agree with the feedback sent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PredictionLog } from "../../serve/prediction-log.js";
import type { CommandIo } from "../../src/cli/command.js";
import { run as logCommand } from "../../src/cli/commands/log.js";
import { run as monitorCommand } from "../../src/cli/commands/monitor.js";
import { readLoggedRows } from "../../src/monitor/logged-rows.js";
import type { MonitorReport } from "../../src/monitor/monitor-report.js";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { tempDir } from "../serve/support/harness.js";
import { tensorRow, writeSyntheticLog } from "../support/synthetic-log.js";

const temp = tempDir("monitor");
test.after(() => temp.remove());

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { cwd, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  return { io, out, err };
}

test("traffic like the training data: no drift; live MAE and RMSE from the feedback; labelled rows counted", async () => {
  const packageDir = join(temp.dir, "steady", "package");
  const { manifest } = await buildRegressionPackage(packageDir);
  const logDir = join(temp.dir, "steady", ".serve-data");
  await writeSyntheticLog(logDir, manifest, { requests: 100, rowsPerRequest: 5, seed: 3 });
  const { io, out, err } = captureIo(join(temp.dir, "steady"));
  assert.is(await monitorCommand([], io), 0, err.join(""));
  const report = JSON.parse(
    readFileSync(join(temp.dir, "steady", "reports/monitor/monitor.json"), "utf8"),
  ) as MonitorReport;
  assert.is(report.performance.predictions, 500);
  assert.is(report.performance.labelled, 250);
  assert.is(report.performance.waitingForLabels, 250);
  assert.ok(Math.abs((report.performance.mae ?? 0) - 2) < 1e-9, `mae ${report.performance.mae}`);
  assert.ok(Math.abs((report.performance.rmse ?? 0) - 2) < 1e-9);
  assert.equal(
    report.drift.features.map((feature) => feature.name),
    manifest.features.map((feature) => feature.name),
  );
  assert.equal(
    report.drift.features.filter((feature) => feature.drifted).map((feature) => feature.name),
    [],
    JSON.stringify(report.drift.features),
  );
  assert.match(out.join(""), /500 predictions .* 250 labelled, 250 waiting for labels/);
  const html = readFileSync(join(temp.dir, "steady", "reports/monitor/monitor.html"), "utf8");
  assert.match(html, /<svg/);
  assert.match(html, /live performance/);
});

test("a feature far outside its training range is found drifted, with its test and threshold", async () => {
  const root = join(temp.dir, "shifted");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const numeric = manifest.features.find(
    (feature) => feature.kind === "numeric" && feature.date === undefined,
  );
  assert.ok(numeric, "the fixture has a numeric feature");
  await writeSyntheticLog(join(root, ".serve-data"), manifest, {
    requests: 60,
    rowsPerRequest: 5,
    shift: numeric.name,
    seed: 4,
  });
  const { io } = captureIo(root);
  assert.is(await monitorCommand(["--out", "out"], io), 0);
  const report = JSON.parse(readFileSync(join(root, "out/monitor.json"), "utf8")) as MonitorReport;
  const found = report.drift.features.find((feature) => feature.name === numeric.name);
  assert.ok(found?.drifted, JSON.stringify(found));
  assert.ok(found.test === "ks" || found.test === "wasserstein");
  assert.equal(
    report.drift.features.filter((feature) => feature.drifted).map((feature) => feature.name),
    [numeric.name],
  );
});

test("log export --labelled: the training columns, the features as sent, the ground truth as the target", async () => {
  const root = join(temp.dir, "export");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const sent = await writeSyntheticLog(join(root, ".serve-data"), manifest, {
    requests: 10,
    rowsPerRequest: 2,
    seed: 5,
  });
  const { io, out } = captureIo(root);
  assert.is(await logCommand(["export", "--labelled", "--out", "labelled.csv"], io), 0);
  assert.match(
    out.join(""),
    /10 rows exported, 10 without a label or named features left out to labelled.csv/,
  );
  const lines = readFileSync(join(root, "labelled.csv"), "utf8").trimEnd().split("\n");
  const header = lines[0]?.split(",") ?? [];
  assert.equal(header, [...manifest.features.map((feature) => feature.name), manifest.target.name]);
  assert.is(lines.length, 11);
  const first = lines[1]?.split(",") ?? [];
  const expected = sent[0] as (typeof sent)[number];
  assert.equal(
    first.slice(0, -1),
    manifest.features.map((feature) => String(expected.features[feature.name])),
  );
  assert.is(Number(first.at(-1)), expected.prediction + 2);
});

test("log export --processed: the model's input as it ran (predictions.vectors), by manifest feature", async () => {
  const root = join(temp.dir, "processed");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const sent = await writeSyntheticLog(join(root, ".serve-data"), manifest, {
    requests: 4,
    rowsPerRequest: 3,
    seed: 6,
  });
  const { io, out } = captureIo(root);
  assert.is(await logCommand(["export", "--processed", "--out", "processed.csv"], io), 0);
  assert.match(out.join(""), /^12 rows exported to processed.csv/);
  const lines = readFileSync(join(root, "processed.csv"), "utf8").trimEnd().split("\n");
  assert.equal(lines[0]?.split(","), [
    ...manifest.features.map((feature) => feature.name),
    manifest.target.name,
  ]);
  for (const [i, line] of lines.slice(1).entries()) {
    const expected = sent[i] as (typeof sent)[number];
    const tensor = tensorRow(manifest, expected.features).map((value) => String(Math.fround(value)));
    const cells = line.split(",");
    assert.equal(cells.slice(0, -1), tensor, `row ${i}`);
    const request = Math.floor(i / 3);
    assert.is(
      cells.at(-1),
      request % 2 === 0 ? String(expected.prediction + 2) : "",
      "the label where it arrived",
    );
  }
});

test("logs from before the one-table format (request_features; older still, features) still read their model input", async () => {
  const root = join(temp.dir, "legacy-features");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const file = join(root, ".serve-data", "predictions.sqlite");
  await writeSyntheticLog(join(root, ".serve-data"), manifest, { requests: 4, rowsPerRequest: 3, seed: 6 });
  const before = readLoggedRows(file, {});
  if (!before.ok) return assert.unreachable(before.error.message);
  assert.is(before.value.filter((row) => row.processed !== undefined).length, 12);
  // The first request as the oldest writer kept its input (one features row per predicted row), the second as the
  // one before the one-table format (one request_features row per request).
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE features (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, row INTEGER NOT NULL,
    time INTEGER NOT NULL, model_version TEXT NOT NULL, vector BLOB NOT NULL);
    CREATE TABLE request_features (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, time INTEGER NOT NULL,
    model_version TEXT NOT NULL, rows INTEGER NOT NULL, row_end INTEGER NOT NULL, vectors BLOB NOT NULL)`);
  const moved = db
    .prepare(
      "SELECT request_id, time, model_version, rows, row_end, vectors FROM predictions ORDER BY id LIMIT 2",
    )
    .all() as unknown as {
    request_id: string;
    time: number;
    model_version: string;
    rows: number;
    row_end: number;
    vectors: Uint8Array;
  }[];
  const [perRow, perRequest] = moved as [(typeof moved)[number], (typeof moved)[number]];
  const insert = db.prepare(
    "INSERT INTO features (request_id, row, time, model_version, vector) VALUES (?, ?, ?, ?, ?)",
  );
  const width = perRow.vectors.length / perRow.rows;
  for (let row = 0; row < perRow.rows; row++)
    insert.run(
      perRow.request_id,
      row,
      perRow.time,
      perRow.model_version,
      perRow.vectors.subarray(row * width, (row + 1) * width),
    );
  db.prepare(
    "INSERT INTO request_features (request_id, time, model_version, rows, row_end, vectors) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(
    perRequest.request_id,
    perRequest.time,
    perRequest.model_version,
    perRequest.rows,
    perRequest.row_end,
    perRequest.vectors,
  );
  for (const request of moved)
    db.prepare("UPDATE predictions SET vectors = NULL WHERE request_id = ?").run(request.request_id);
  db.close();
  const after = readLoggedRows(file, {});
  if (!after.ok) return assert.unreachable(after.error.message);
  assert.equal(
    after.value.map((row) => row.processed),
    before.value.map((row) => row.processed),
  );
});

test("a row labelled twice reads back with its latest label", async () => {
  const root = join(temp.dir, "relabelled");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const logDir = join(root, ".serve-data");
  const sent = await writeSyntheticLog(logDir, manifest, { requests: 2, rowsPerRequest: 2, seed: 8 });
  const log = new PredictionLog(
    { dataDir: logDir, maxQueuedRows: 10, flushMs: 10, retentionDays: 0, maxRequests: 0, maxFeatureRows: 0 },
    { onDropped: () => {}, onWritten: () => {}, onError: (message) => assert.unreachable(message) },
  );
  assert.equal(await log.start(), { ok: true, value: undefined });
  assert.ok((await log.feedback("req-0", 1, 123.5)).ok);
  await log.close();
  const read = readLoggedRows(join(logDir, "predictions.sqlite"), {});
  if (!read.ok) return assert.unreachable(read.error.message);
  assert.equal(
    read.value.map((row) => [row.requestId, row.row, row.actual]),
    [
      ["req-0", 0, (sent[0]?.prediction ?? 0) + 2],
      ["req-0", 1, 123.5],
      ["req-1", 0, undefined],
      ["req-1", 1, undefined],
    ],
  );
});

test("bad input: a missing log names the file and the option; a bad --since is a usage error", async () => {
  const root = join(temp.dir, "errors");
  await buildRegressionPackage(join(root, "package"));
  const missing = captureIo(root);
  assert.is(await monitorCommand([], missing.io), 1);
  assert.match(missing.err.join(""), /predictions\.sqlite: no prediction log here .*--log FILE/);
  const usage = captureIo(root);
  assert.is(await monitorCommand(["--since", "yesterday"], usage.io), 2);
  assert.match(usage.err.join(""), /--since yesterday: give an ISO date/);
});

test.run();
