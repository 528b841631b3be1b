// POST /predict is served by the lean node:http listener; the same route reached through the Koa app ("/predict?…"
// goes there) must answer alike: status, body, headers and metrics, for a prediction and for each kind of refusal.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildRegressionPackage } from "./support/fixtures.js";
import { type JsonResponse, request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("lean-path");
const KEY = "client-key-0123456789";
let server: RunningServer;
let example: Record<string, unknown>;

const LEAN = "/predict";
const KOA = "/predict?via=koa";

test.before(async () => {
  const model = (await buildRegressionPackage(join(temp.dir, "model"))).dir;
  server = await startInProcess({
    SERVE_MODEL: model,
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_API_KEYS: KEY,
    SERVE_BODY_LIMIT_BYTES: "4000",
    SERVE_MAX_ROWS: "5",
  });
  const described = await request(`${server.url}/model`, { headers: { "x-api-key": KEY } });
  example = (described.body as { example: { features: Record<string, unknown> } }).example.features;
});

test.after(async () => {
  await server.shutdown("test over");
  temp.remove();
});

/** Headers that differ between any two answers (per request or per moment). */
const VARYING = new Set(["x-request-id", "date", "keep-alive", "content-length"]);

function comparable(response: JsonResponse) {
  const headers = [...response.headers.entries()].filter(([name]) => !VARYING.has(name)).sort();
  const body = structuredClone(response.body) as { request_id?: string };
  delete body.request_id;
  return { status: response.status, headers, body };
}

async function both(init: Parameters<typeof request>[1]): Promise<JsonResponse> {
  const lean = await request(`${server.url}${LEAN}`, init);
  const koa = await request(`${server.url}${KOA}`, init);
  assert.equal(comparable(lean), comparable(koa), "the lean path answers as the Koa app does");
  assert.ok(lean.headers.get("x-request-id"), "each answer carries a request id");
  return lean;
}

const auth = { "x-api-key": KEY };

test("a prediction: same status, body, headers; the client's request id is kept", async () => {
  const answered = await both({ body: { features: example }, headers: { ...auth, "x-request-id": "req-7" } });
  assert.is(answered.status, 200);
  assert.is((answered.body as { request_id: string }).request_id, "req-7");
  assert.is(answered.headers.get("content-type"), "application/json; charset=utf-8");
  assert.is(answered.headers.get("x-content-type-options"), "nosniff");
});

test("refusals: 400 naming field and row, 400 invalid JSON, 413 rows, 415, 401", async () => {
  const [first] = Object.keys(example);
  const wrong = { ...example, [first as string]: "not a number" };
  const fieldError = await both({ body: { instances: [example, wrong] }, headers: auth });
  assert.is(fieldError.status, 400);
  const error = (fieldError.body as { error: { code: string; row?: number; field?: string } }).error;
  assert.equal([error.field, error.row], [first, 1], "names the field and the row");
  assert.is(
    (await both({ raw: "{not json", headers: { ...auth, "content-type": "application/json" } })).status,
    400,
  );
  const rows = Array.from({ length: 6 }, () => example);
  assert.is((await both({ body: { instances: rows }, headers: auth })).status, 413);
  assert.is((await both({ raw: "{}", headers: { ...auth, "content-type": "text/plain" } })).status, 415);
  const unauthorized = await both({ body: { features: example } });
  assert.is(unauthorized.status, 401);
  assert.match(unauthorized.headers.get("www-authenticate") ?? "", /^Bearer/);
});

test("both paths count under the same metric series", async () => {
  const metrics = await request(`${server.url}/metrics`);
  assert.match(metrics.text, /http_requests_total\{method="POST",route="\/predict",status="200"\} 2\n/);
  assert.match(metrics.text, /http_requests_total\{method="POST",route="unmatched",status="401"\} 2\n/);
  assert.match(metrics.text, /model_input_errors_total\{reason="unsupported_media_type"\} 2\n/);
});

test.run();
