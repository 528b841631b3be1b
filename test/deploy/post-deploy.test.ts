// `npm run smoke` and `npm run loadtest` against a real server (serve/main.ts in a child process on 127.0.0.1,
// serving a small model package): they pass on a healthy deployment and fail on each kind of problem. Each CLI is
// run once as a process (wiring, output, exit code); the other cases call the same functions in this process.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseLoadArgs, runLoad } from "../../scripts/loadtest.js";
import { parseSmokeArgs, runSmoke } from "../../scripts/smoke.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { tempDir } from "../serve/support/harness.js";
import { runToExit } from "../support/child-process.js";
import { type RunningServer, startServer } from "./support/server.js";

const temp = tempDir("post-deploy");
const pkg = await buildRegressionPackage(join(temp.dir, "package"));
const manifestPath = join(pkg.dir, "manifest.json");
let server: RunningServer;

const npmRun = (args: string[]) => runToExit("npm", ["run", "--silent", ...args]);
const failed = (results: { check: string; ok: boolean; detail: string }[]) =>
  results.filter((result) => !result.ok).map((result) => `${result.check}: ${result.detail}`);

test.before(async () => {
  server = await startServer({
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_MAX_ROWS: "100",
  });
});

test.after(async () => {
  await server?.stop();
  temp.remove();
});

test("npm run smoke passes against a healthy server: readiness, version, golden rows, a 400", async () => {
  const { code, output } = await npmRun(["smoke", "--", "--url", server.url, "--manifest", manifestPath]);
  assert.is(code, 0, output);
  assert.match(output, "ok   readiness: /readyz answered 200");
  assert.match(output, `ok   model version: ${pkg.manifest.name} ${pkg.manifest.version}`);
  assert.match(output, `ok   golden predictions: ${pkg.manifest.golden.length} rows within`);
  assert.match(output, /ok {3}bad request: \w+="not a number" → 400 .*must be a number/);
  assert.match(output, `smoke: ${server.url} passed`);
});

test("smoke without a manifest predicts /model's example row", async () => {
  const results = await runSmoke(parseSmokeArgs(["--url", server.url]));
  assert.equal(failed(results), []);
  assert.match(results[2]?.detail ?? "", "no manifest given: /model's example row predicted");
});

test("smoke fails on another version than expected", async () => {
  const results = await runSmoke(parseSmokeArgs(["--url", server.url, "--expect-version", "not-this-one"]));
  assert.equal(failed(results), [
    `model version: serving ${pkg.manifest.name} ${pkg.manifest.version}, expected not-this-one`,
  ]);
});

test("smoke fails when the served predictions differ from the manifest's golden rows", async () => {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  manifest.golden[1] = { ...(manifest.golden[1] as Manifest["golden"][number]), expected: 1234.5 };
  const other = join(temp.dir, "other-manifest.json");
  writeFileSync(other, JSON.stringify(manifest));
  const results = await runSmoke(parseSmokeArgs(["--url", server.url, "--manifest", other]));
  assert.equal(failed(results).length, 1);
  assert.match(failed(results)[0] ?? "", /^golden predictions: row 1: got [\d.]+, expected 1234\.5$/);
});

test("smoke fails on readiness when nothing listens; bad arguments are named", async () => {
  const results = await runSmoke(parseSmokeArgs(["--url", "http://127.0.0.1:9", "--timeout", "1"]));
  assert.equal(results.length, 1);
  assert.match(failed(results)[0] ?? "", /^readiness: not ready after 1 s \(\/readyz unreachable/);
  assert.throws(() => parseSmokeArgs(["--timeout", "1"]), /--url is required/);
  assert.throws(
    () => parseSmokeArgs(["--url", server.url, "--manifest", join(temp.dir, "nope.json")]),
    /ENOENT/,
  );
});

test("npm run loadtest exits 1 and says why when the error budget is missed (every request has too many rows)", async () => {
  const { code, output } = await npmRun([
    "loadtest",
    "--",
    "--url",
    server.url,
    "--duration",
    "1",
    "--connections",
    "4",
    "--rows",
    "101",
  ]);
  assert.is(code, 1, output);
  assert.match(output, /loadtest: \d+ requests in 1 s at 4 connections, 101 row\(s\) each/);
  assert.match(output, /FAIL error rate: 100\.000%: \d+ non-2xx, 0 errors, 0 timeouts/);
});

test("loadtest passes within generous budgets; an unreachable throughput budget fails", async () => {
  const options = parseLoadArgs([
    "--url",
    server.url,
    "--duration",
    "1",
    "--connections",
    "4",
    "--p99-ms",
    "2000",
  ]);
  const healthy = await runLoad(options);
  assert.ok(healthy.figures.requests > 0 && healthy.figures.rps > 0, JSON.stringify(healthy.figures));
  assert.equal(
    healthy.budgets.filter((b) => !b.ok),
    [],
  );
  const starved = await runLoad({ ...options, minRps: 1e9 });
  assert.equal(
    starved.budgets.filter((b) => !b.ok).map((b) => b.name),
    ["throughput"],
  );
  assert.throws(
    () => parseLoadArgs(["--url", server.url, "--duration", "soon"]),
    /--duration must be a non-negative integer, not soon/,
  );
});

test.run();
