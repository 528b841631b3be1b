// Hot reload through the registry alias: POST /admin/reload, the alias file changing, SIGHUP. A corrupt or failing
// model is refused and the old one keeps serving; reloading under load loses no request; old sessions are released.
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { ALIASES_FORMAT } from "../../src/artifact/aliases.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import { buildRegressionPackage, type FixturePackage } from "./support/fixtures.js";
import { errorOf, request, startChild, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("reload");
const ADMIN = { "x-api-key": "admin-key-for-reload-tests" };
const registry = join(temp.dir, "models", "houses");
let v1: FixturePackage;
let v2: FixturePackage;
let server: RunningServer;

function publish(pkg: FixturePackage, version = pkg.manifest.version): string {
  const dir = join(registry, version);
  cpSync(pkg.dir, dir, { recursive: true });
  return dir;
}

function point(version: string): void {
  const aliases = { format: ALIASES_FORMAT, aliases: { production: version }, history: [] };
  writeFileSync(join(registry, "aliases.json"), `${JSON.stringify(aliases)}\n`);
}

async function servedVersion(url: string): Promise<string> {
  return ((await request(`${url}/readyz`)).body as { model: { version: string } }).model.version;
}

const row = () => v1.manifest.golden[0]?.features as Record<string, number>;
const reload = () => request(`${server.url}/admin/reload`, { method: "POST", headers: ADMIN });

test.before(async () => {
  [v1, v2] = await Promise.all([
    buildRegressionPackage(join(temp.dir, "build-1"), 7),
    buildRegressionPackage(join(temp.dir, "build-2"), 8),
  ]);
  assert.is.not(v1.manifest.version, v2.manifest.version);
  publish(v1);
  publish(v2);
  point(v1.manifest.version);
  server = await startInProcess({
    SERVE_MODEL: registry,
    SERVE_ADMIN_KEYS: ADMIN["x-api-key"],
    SERVE_DATA_DIR: join(temp.dir, "data"),
  });
});

test.after(async () => {
  await server.shutdown("test over");
  temp.remove();
});

test("the server follows the registry's production alias; an admin reload swaps to the new version", async () => {
  assert.is(await servedVersion(server.url), v1.manifest.version);
  point(v2.manifest.version);
  const response = await reload();
  assert.is(response.status, 200);
  assert.equal(response.body, {
    reloaded: true,
    model: { name: "houses", version: v2.manifest.version },
    previous: v1.manifest.version,
  });
  assert.is(await servedVersion(server.url), v2.manifest.version);
  const metrics = (await request(`${server.url}/metrics`)).text;
  assert.match(metrics, new RegExp(`model_info\\{name="houses",version="${v2.manifest.version}"`));
  assert.not.match(metrics, new RegExp(`model_info\\{name="houses",version="${v1.manifest.version}"`));
  assert.match(metrics, /model_reloads_total\{trigger="admin",result="success"\} 1/);
});

test("corrupt or failing models are refused and the old one keeps serving", async () => {
  const serving = await servedVersion(server.url);
  const broken: [string, (dir: string) => void, RegExp][] = [
    [
      "truncated",
      (dir) => writeFileSync(join(dir, "model.onnx"), readFileSync(join(dir, "model.onnx")).subarray(0, 100)),
      /checksum-mismatch/,
    ],
    [
      "not-onnx",
      (dir) => {
        const garbage = Buffer.from("this is not an onnx model");
        writeFileSync(join(dir, "model.onnx"), garbage);
        const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
        manifest.onnx.sha256 = createHash("sha256").update(garbage).digest("hex");
        writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
      },
      /session-failed/,
    ],
    [
      "wrong-golden",
      (dir) => {
        const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
        (manifest.golden[0] as { expected: number }).expected += 1;
        writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
      },
      /golden-mismatch/,
    ],
    [
      "bad-manifest",
      (dir) => writeFileSync(join(dir, "manifest.json"), '{"format": "nope"}'),
      /manifest-invalid/,
    ],
  ];
  for (const [name, breakIt, kind] of broken) {
    const dir = publish(v1, name);
    breakIt(dir);
    if (name !== "bad-manifest") {
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
      manifest.version = name;
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    }
    point(name);
    const response = await reload();
    assert.is(response.status, 422, name);
    assert.is(errorOf(response).code, "reload_failed");
    assert.match(errorOf(response).message, kind);
    assert.match(errorOf(response).message, new RegExp(`still serving ${serving}`));
    assert.is(await servedVersion(server.url), serving);
    assert.is((await request(`${server.url}/predict`, { body: { features: row() } })).status, 200);
  }
  point(serving);
  const metrics = (await request(`${server.url}/metrics`)).text;
  assert.match(metrics, /model_reloads_total\{trigger="admin",result="failure"\} 4/);
});

test("reloading under load drops no request and releases the old sessions", async () => {
  const threads = () => readdirSync("/proc/self/task").length;
  // libuv's pool starts its threads all at once on its first task (the prediction log's fsyncs run there): start
  // it before counting, so that only threads a swap leaves behind are counted.
  await access(".");
  const before = threads();
  let stop = false;
  const statuses = new Map<number, number>();
  const versions = new Set<string>();
  const client = async () => {
    while (!stop) {
      const response = await request(`${server.url}/predict`, { body: { instances: [row(), row()] } });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200)
        versions.add((response.body as { model: { version: string } }).model.version);
    }
  };
  const clients = Array.from({ length: 8 }, client);
  for (let i = 0; i < 4; i++) {
    point(i % 2 === 0 ? v1.manifest.version : v2.manifest.version);
    assert.is((await reload()).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stop = true;
  await Promise.all(clients);
  assert.equal([...statuses.keys()], [200], `every request answered 200: ${JSON.stringify([...statuses])}`);
  assert.ok((statuses.get(200) ?? 0) > 50, "the load was real");
  assert.equal([...versions].sort(), [v1.manifest.version, v2.manifest.version].sort());
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(threads() <= before + 2, `threads: ${before} before, ${threads()} after four swaps`);
});

test("an alias change is picked up without being asked (polling)", async () => {
  const watching = await startInProcess({
    SERVE_MODEL: registry,
    SERVE_ALIAS_POLL_MS: "50",
    SERVE_PREDICTION_LOG: "false",
  });
  try {
    const start = await servedVersion(watching.url);
    const next = start === v1.manifest.version ? v2.manifest.version : v1.manifest.version;
    point(next);
    let now = start;
    for (let i = 0; i < 100 && now !== next; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await servedVersion(watching.url);
    }
    assert.is(now, next);
  } finally {
    await watching.shutdown("test over");
  }
});

test("SIGHUP reloads a running server", async () => {
  const child = await startChild({ SERVE_MODEL: registry, SERVE_PREDICTION_LOG: "false" });
  try {
    const start = await servedVersion(child.url);
    const next = start === v1.manifest.version ? v2.manifest.version : v1.manifest.version;
    point(next);
    child.child.kill("SIGHUP");
    let now = start;
    // The alias watcher may switch the version first; the signal's own reload is logged either way, maybe later.
    for (let i = 0; i < 100 && (now !== next || !child.output().includes('"trigger":"signal"')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await servedVersion(child.url);
    }
    assert.is(now, next);
    assert.match(child.output(), /"trigger":"signal"/);
  } finally {
    child.child.kill("SIGTERM");
    assert.is(await child.exited, 0);
  }
});

test.run();
