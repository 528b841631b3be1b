// The custom API against a real server with real onnxruntime sessions: golden predictions, each error code, the
// prediction log, feedback, metrics.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildBothPackages, type FixturePackage } from "./support/fixtures.js";
import { errorOf, request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("api");
let regression: FixturePackage;
let classification: FixturePackage;
let houses: RunningServer;
let churn: RunningServer;

test.before(async () => {
  [regression, classification] = await buildBothPackages(temp.dir);
  [houses, churn] = await Promise.all([
    startInProcess({
      SERVE_MODEL: regression.dir,
      SERVE_DATA_DIR: join(temp.dir, "data-houses"),
      SERVE_MAX_ROWS: "50",
      SERVE_BODY_LIMIT_BYTES: "65536",
      SERVE_LOG_FLUSH_MS: "5",
    }),
    // The classifier's small requests on the compiled trees (off by default), checked against onnxruntime at load.
    startInProcess({
      SERVE_MODEL: classification.dir,
      SERVE_DATA_DIR: join(temp.dir, "data-churn"),
      SERVE_COMPILED_MAX_ROWS: "16",
    }),
  ]);
});

test.after(async () => {
  await Promise.all([houses.shutdown("test over"), churn.shutdown("test over")]);
  temp.remove();
});

const row = () => ({ ...(regression.manifest.golden[0]?.features as Record<string, number>) });
const predict = (body: unknown, init: { headers?: Record<string, string> } = {}) =>
  request(`${houses.url}/predict`, { body, ...init });

test("health, readiness and the model description", async () => {
  const health = await request(`${houses.url}/healthz`);
  assert.is(health.status, 200);
  assert.equal(health.body, { status: "ok" });
  const ready = await request(`${houses.url}/readyz`);
  assert.is(ready.status, 200);
  assert.is((ready.body as { model: { version: string } }).model.version, regression.manifest.version);
  const model = (await request(`${houses.url}/model`)).body as {
    features: { name: string }[];
    example: unknown;
  };
  assert.equal(
    model.features.map((f) => f.name),
    regression.manifest.features.map((f) => f.name),
  );
  const fromExample = await predict(model.example);
  assert.is(fromExample.status, 200, "the example body the server publishes is accepted");
});

test("regression: golden predictions, one by one, as a batch, and as positional rows", async () => {
  const tolerance = 1e-4 * (regression.manifest.target.std ?? 1);
  const golden = regression.manifest.golden;
  for (const g of golden) {
    const response = await predict({ features: g.features });
    assert.is(response.status, 200);
    const body = response.body as { predictions: number[]; model: { name: string; version: string } };
    assert.ok(Math.abs((body.predictions[0] as number) - (g.expected as number)) <= tolerance);
    assert.equal(body.model, { name: regression.manifest.name, version: regression.manifest.version });
  }
  const batch = await predict({ instances: golden.map((g) => g.features) });
  const names = regression.manifest.features.map((f) => f.name);
  const positional = await predict({ instances: golden.map((g) => names.map((name) => g.features[name])) });
  const a = (batch.body as { predictions: number[] }).predictions;
  const b = (positional.body as { predictions: number[] }).predictions;
  assert.is(a.length, golden.length);
  assert.equal(a, b);
  for (const [i, g] of golden.entries())
    assert.ok(Math.abs((a[i] as number) - (g.expected as number)) <= tolerance);
});

test("the client's x-request-id is kept and returned; otherwise one is made", async () => {
  const given = await predict({ features: row() }, { headers: { "x-request-id": "client-abc.123" } });
  assert.is(given.headers.get("x-request-id"), "client-abc.123");
  assert.is((given.body as { request_id: string }).request_id, "client-abc.123");
  const made = await predict({ features: row() }, { headers: { "x-request-id": "bad id with spaces" } });
  assert.match(made.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});

test("bad values: 400 naming the field and the row", async () => {
  const cases: [string, (r: Record<string, unknown>) => void, string][] = [
    ["missing_feature", (r) => delete r.rooms, "rooms"],
    ["unknown_feature", (r) => (r.bogus = 1), "bogus"],
    ["wrong_type", (r) => (r.crime = "6.5"), "crime"],
    ["wrong_type", (r) => (r.crime = [6.5]), "crime"],
    ["not_finite", (r) => (r.crime = Number.POSITIVE_INFINITY), "crime"],
    ["not_finite", (r) => (r.tax = 1e39), "tax"],
    ["not_an_integer", (r) => (r.age = 0.5), "age"],
    ["null_not_allowed", (r) => (r.crime = null), "crime"],
  ];
  for (const [code, mutate, field] of cases) {
    const bad = row() as Record<string, unknown>;
    mutate(bad);
    // JSON.stringify writes Infinity as null: put the literal the client sent back in.
    const raw = JSON.stringify({ instances: [row(), row(), bad] }, (_, v) =>
      v === Number.POSITIVE_INFINITY ? "__INF__" : v,
    );
    const response = await request(`${houses.url}/predict`, {
      raw: raw.replace('"__INF__"', "1e400"),
      headers: { "content-type": "application/json" },
    });
    assert.is(response.status, 400, code);
    const error = errorOf(response);
    assert.is(error.code, code);
    assert.is(error.field, field);
    assert.is(error.row, 2);
    assert.ok(error.message.includes(field), error.message);
    assert.not.ok(response.text.includes("    at "), "no stack trace");
  }
});

test("bad bodies: invalid JSON, wrong shapes, empty and oversized batches", async () => {
  const invalid = await request(`${houses.url}/predict`, {
    raw: '{"features": {',
    headers: { "content-type": "application/json" },
  });
  assert.is(invalid.status, 400);
  assert.is(errorOf(invalid).code, "invalid_json");
  for (const body of [
    [1, 2],
    "text",
    { features: row(), extra: 1 },
    { instances: {} },
    { instances: [] },
    {},
  ]) {
    const response = await predict(body);
    assert.is(response.status, 400, JSON.stringify(body).slice(0, 40));
    assert.is(errorOf(response).code, "invalid_body");
  }
  const tooMany = await predict({ instances: Array.from({ length: 51 }, row) });
  assert.is(tooMany.status, 413);
  assert.is(errorOf(tooMany).code, "too_many_rows");
  const tooLarge = await request(`${houses.url}/predict`, {
    raw: JSON.stringify({ instances: [row()], pad: "x".repeat(70_000) }),
    headers: { "content-type": "application/json" },
  });
  assert.is(tooLarge.status, 413);
  assert.is(errorOf(tooLarge).code, "body_too_large");
});

test("protocol errors: 415, 405, 404 in the same JSON shape", async () => {
  const text = await request(`${houses.url}/predict`, {
    raw: JSON.stringify({ features: row() }),
    headers: { "content-type": "text/plain" },
  });
  assert.is(text.status, 415);
  assert.is(errorOf(text).code, "unsupported_media_type");
  const method = await request(`${houses.url}/predict`, { method: "GET" });
  assert.is(method.status, 405);
  assert.is(errorOf(method).code, "method_not_allowed");
  assert.match(method.headers.get("allow") ?? "", /POST/);
  // POST /predict is served ahead of the router; the path variants the router accepts answer the same.
  const slashed = await request(`${houses.url}/predict/`, { body: { features: row() } });
  assert.is(slashed.status, 200);
  assert.equal(
    (slashed.body as { predictions: unknown }).predictions,
    ((await predict({ features: row() })).body as { predictions: unknown }).predictions,
  );
  const missing = await request(`${houses.url}/nowhere`);
  assert.is(missing.status, 404);
  assert.is(errorOf(missing).code, "not_found");
  assert.is(missing.headers.get("x-content-type-options"), "nosniff");
});

test("values far outside the training range are accepted, flagged and counted", async () => {
  const far = { ...row(), age: 1000 };
  const response = await predict({ features: far });
  assert.is(response.status, 200);
  assert.equal((response.body as { warnings: unknown[] }).warnings, [
    { code: "out_of_range", field: "age", row: 0 },
  ]);
  const metrics = (await request(`${houses.url}/metrics`)).text;
  assert.match(metrics, /model_feature_out_of_range_total\{feature="age"\} [1-9]/);
});

test("classification: labels, probabilities, a categorical feature, null where nullable", async () => {
  for (const g of classification.manifest.golden) {
    const response = await request(`${churn.url}/predict`, { body: { features: g.features } });
    assert.is(response.status, 200);
    const [prediction] = (
      response.body as { predictions: { label: string; probabilities: Record<string, number> }[] }
    ).predictions;
    const expected = g.expected as { label: string; probabilities: number[] };
    assert.is(prediction?.label, expected.label);
    assert.equal(Object.keys(prediction?.probabilities ?? {}), ["no", "yes"]);
    for (const [k, p] of Object.values(prediction?.probabilities ?? {}).entries())
      assert.ok(Math.abs(p - (expected.probabilities[k] as number)) <= 1e-5);
  }
  const base = { color: "green", x: null, y: 1.5 };
  assert.is((await request(`${churn.url}/predict`, { body: { features: base } })).status, 200);
  const unseen = await request(`${churn.url}/predict`, { body: { features: { ...base, color: "purple" } } });
  assert.is(unseen.status, 200);
  assert.equal((unseen.body as { warnings: unknown[] }).warnings, [
    { code: "unseen_category", field: "color", row: 0, value: "purple" },
  ]);
  const numberForString = await request(`${churn.url}/predict`, {
    body: { features: { ...base, color: 1 } },
  });
  assert.is(numberForString.status, 400);
  assert.is(errorOf(numberForString).code, "wrong_type");
  assert.match(errorOf(numberForString).message, /red, green, blue/);
  const metrics = (await request(`${churn.url}/metrics`)).text;
  assert.match(metrics, /model_feature_unseen_category_total\{feature="color"\} [1-9]/);
  assert.match(metrics, /model_predictions_by_class_total\{class="(no|yes)"\}/);
});

test("metrics: Prometheus names, route templates, drift, model info; promtool accepts them", async () => {
  await predict({ features: row() });
  await predict({ features: "nope" });
  const metrics = (await request(`${houses.url}/metrics`)).text;
  assert.match(metrics, /http_requests_total\{method="POST",route="\/predict",status="200"\} \d+/);
  assert.match(
    metrics,
    /http_request_duration_seconds_bucket\{le="0.00025",method="POST",route="\/predict"\}/,
  );
  assert.match(metrics, /http_request_duration_seconds_bucket\{le="2.5",method="POST",route="\/predict"\}/);
  assert.match(metrics, /model_inference_duration_seconds_count [1-9]/);
  assert.match(metrics, /model_prediction_rows_total [1-9]/);
  assert.match(metrics, /model_prediction_value_bucket/);
  assert.match(
    metrics,
    new RegExp(
      `model_info\\{name="houses",version="${regression.manifest.version}",git_rev="${regression.manifest.lineage.gitRev}"\\} 1`,
    ),
  );
  assert.match(metrics, /model_input_errors_total\{reason="invalid_body"\} [1-9]/);
  assert.match(metrics, /model_feature_drift_psi\{feature="crime"\} [\d.e+-]+/);
  assert.match(metrics, /model_prediction_drift_psi [\d.e+-]+/);
  assert.match(metrics, /process_resident_memory_bytes/);
  let problems = "";
  try {
    execFileSync("promtool", ["check", "metrics"], { input: metrics, stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    problems = `${(error as { stdout?: Buffer }).stdout ?? ""}${(error as { stderr?: Buffer }).stderr ?? ""}`;
  }
  // prom-client's own default gauges nodejs_active_{handles,requests,resources}_total break the _total rule.
  const ours = problems.split("\n").filter((line) => line.trim() && !/^nodejs_active_\w+_total /.test(line));
  assert.equal(ours, [], `promtool check metrics: ${ours.join("; ")}`);
});

test("every prediction lands in the SQLite log; feedback joins it and feeds the error metric", async () => {
  const response = await predict({ instances: [row(), row()] }, { headers: { "x-request-id": "log-me-1" } });
  const predictions = (response.body as { predictions: number[] }).predictions;
  const db = new DatabaseSync(join(temp.dir, "data-houses", "predictions.sqlite"), { readOnly: true });
  let logged: { row: number; features: string; prediction: number; model_version: string }[] = [];
  for (let i = 0; i < 100 && logged.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    logged = db
      .prepare("SELECT * FROM prediction_rows WHERE request_id = 'log-me-1' ORDER BY row")
      .all() as unknown as typeof logged;
  }
  assert.is(logged.length, 2);
  assert.is(logged[0]?.model_version, regression.manifest.version);
  assert.equal(JSON.parse(logged[0]?.features ?? "{}"), row(), "features read back as the client sent them");
  assert.is(logged[1]?.prediction, predictions[1]);

  const feedback = await request(`${houses.url}/feedback`, {
    body: { request_id: "log-me-1", actual: [20, 30] },
  });
  assert.is(feedback.status, 200);
  const joined = feedback.body as { matched: number; errors: { row: number; abs_error: number }[] };
  assert.is(joined.matched, 2);
  assert.ok(
    Math.abs((joined.errors[1]?.abs_error as number) - Math.abs(30 - (predictions[1] as number))) < 1e-3,
  );
  const stored = db
    .prepare("SELECT COUNT(*) AS n FROM feedback WHERE request_id = 'log-me-1'")
    .get() as unknown as {
    n: number;
  };
  assert.is(stored.n, 2);
  db.close();

  const unknown = await request(`${houses.url}/feedback`, { body: { request_id: "never-seen", actual: 1 } });
  assert.is(unknown.status, 404);
  assert.is(errorOf(unknown).code, "unknown_request_id");
  const bad = await request(`${houses.url}/feedback`, {
    body: { request_id: "log-me-1", actual: "NaN?", row: -1 },
  });
  assert.is(bad.status, 400);
  const metrics = (await request(`${houses.url}/metrics`)).text;
  assert.match(metrics, /model_feedback_abs_error_count 2/);
  assert.match(metrics, /prediction_log_written_total [1-9]/);
});

test.run();
