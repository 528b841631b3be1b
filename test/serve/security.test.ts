// API keys (env and hash file, Bearer and x-api-key), the admin key, open or protected operations routes, the rate
// limit, and configuration errors that stop the server naming the variable.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { keyFileLine } from "../../serve/http/keyring.js";
import type { RunningServer } from "../../serve/server.js";
import { buildRegressionPackage } from "./support/fixtures.js";
import { errorOf, request, runChildToExit, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("security");
const KEY = "client-key-0123456789";
const FILE_KEY = "file-key-abcdefghijklmnop";
const OTHER_KEY = "other-key-0123456789abc";
const ADMIN_KEY = "admin-key-0123456789abcd";
let model: string;
let guarded: RunningServer;
let locked: RunningServer;

test.before(async () => {
  model = (await buildRegressionPackage(join(temp.dir, "model"))).dir;
  const keyFile = join(temp.dir, "keys.txt");
  writeFileSync(keyFile, `# API keys\n${keyFileLine(FILE_KEY, "partner")}\n\n`);
  [guarded, locked] = await Promise.all([
    startInProcess({
      SERVE_MODEL: model,
      SERVE_PREDICTION_LOG: "false",
      SERVE_API_KEYS: `${KEY}, ${OTHER_KEY}`,
      SERVE_API_KEYS_FILE: keyFile,
      SERVE_ADMIN_KEYS: ADMIN_KEY,
      SERVE_RATE_LIMIT_RPS: "0.5",
      SERVE_RATE_LIMIT_BURST: "3",
    }),
    startInProcess({
      SERVE_MODEL: model,
      SERVE_PREDICTION_LOG: "false",
      SERVE_API_KEYS: KEY,
      SERVE_PROTECT_OPS: "true",
    }),
  ]);
});

test.after(async () => {
  await Promise.all([guarded.shutdown("test over"), locked.shutdown("test over")]);
  temp.remove();
});

test("API routes need a valid key: 401 JSON with a challenge otherwise", async () => {
  const none = await request(`${guarded.url}/model`);
  assert.is(none.status, 401);
  assert.is(errorOf(none).code, "unauthorized");
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const wrong = await request(`${guarded.url}/model`, {
    headers: { authorization: "Bearer not-a-key-at-all-123" },
  });
  assert.is(wrong.status, 401);
  assert.match(errorOf(wrong).message, /not valid/);
  const bearer = await request(`${guarded.url}/model`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.is(bearer.status, 200);
  const header = await request(`${guarded.url}/model`, { headers: { "x-api-key": FILE_KEY } });
  assert.is(header.status, 200, "a key from the hash file works");
  const unknownRoute = await request(`${guarded.url}/secret-probe`);
  assert.is(unknownRoute.status, 401, "unauthenticated clients learn nothing about routes");
});

test("operations routes are open by default and protected on request", async () => {
  for (const path of ["/healthz", "/readyz", "/metrics", "/v2/health/live"]) {
    assert.is((await request(`${guarded.url}${path}`)).status, 200, path);
    assert.is((await request(`${locked.url}${path}`)).status, 401, `${path} with SERVE_PROTECT_OPS`);
  }
  assert.is((await request(`${locked.url}/metrics`, { headers: { "x-api-key": KEY } })).status, 200);
});

test("the admin API takes admin keys only, and is off without them", async () => {
  const asClient = await request(`${guarded.url}/admin/reload`, {
    method: "POST",
    headers: { "x-api-key": KEY },
  });
  assert.is(asClient.status, 401);
  const asAdmin = await request(`${guarded.url}/admin/reload`, {
    method: "POST",
    headers: { "x-api-key": ADMIN_KEY },
  });
  assert.is(asAdmin.status, 200);
  assert.is((asAdmin.body as { reloaded: boolean }).reloaded, false, "same version: nothing to swap");
  const off = await request(`${locked.url}/admin/reload`, { method: "POST", headers: { "x-api-key": KEY } });
  assert.is(off.status, 403);
  assert.match(errorOf(off).message, /SERVE_ADMIN_KEYS/);
});

test("rate limit per key: 429 with Retry-After once the burst is spent; other keys and probes unaffected", async () => {
  const headers = { authorization: `Bearer ${OTHER_KEY}` };
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await request(`${guarded.url}/model`, { headers })).status);
  assert.equal(statuses, [200, 200, 200, 429]);
  const limited = await request(`${guarded.url}/model`, { headers });
  assert.is(errorOf(limited).code, "rate_limited");
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.is((await request(`${guarded.url}/model`, { headers: { "x-api-key": FILE_KEY } })).status, 200);
  assert.is((await request(`${guarded.url}/healthz`)).status, 200);
});

test("bad configuration stops the server with exit code 2 and names the variable", async () => {
  const [port, keys, log, missing] = await Promise.all([
    runChildToExit({ SERVE_MODEL: model, SERVE_PORT: "eighty" }),
    runChildToExit({ SERVE_MODEL: model, SERVE_API_KEYS: "short" }),
    runChildToExit({ SERVE_MODEL: model, SERVE_OUT_OF_RANGE: "maybe", SERVE_MAX_ROWS: "0" }),
    runChildToExit({ SERVE_MODEL: join(temp.dir, "nowhere") }),
  ]);
  assert.is(port.code, 2);
  assert.match(port.output, /SERVE_PORT="eighty"/);
  assert.is(keys.code, 2);
  assert.match(keys.output, /SERVE_API_KEYS: key #1 is shorter than 16 characters/);
  assert.is(log.code, 2);
  assert.match(log.output, /SERVE_OUT_OF_RANGE="maybe"/);
  assert.match(log.output, /SERVE_MAX_ROWS="0"/);
  assert.is(missing.code, 1, "a model that cannot be loaded is exit code 1");
  assert.match(missing.output, /nowhere is not a directory/);
});

test.run();
