// A reload that would break clients: a real server follows a registry alias; a version with the same API contract
// swaps in, one whose contract breaks the serving model's clients is refused (the old model keeps serving) unless
// the server runs with SERVE_ALLOW_BREAKING=true.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { ALIASES_FORMAT } from "../../src/artifact/aliases.js";
import { writePackage } from "../../src/package/write-package.js";
import { packagedHandBuilt } from "../package/packaged.js";
import { errorOf, request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("contract-reload");
const ADMIN = { "x-api-key": "admin-key-for-contract-tests" };
const registry = join(temp.dir, "models", "houses");
const versions: Record<"serving" | "compatible" | "breaking", string> = {
  serving: "",
  compatible: "",
  breaking: "",
};

async function register(kind: "regression" | "binary", overrides: Parameters<typeof packagedHandBuilt>[1]) {
  const packaged = await packagedHandBuilt(kind, { ...overrides, name: "houses" });
  const dir = join(temp.dir, "build", packaged.manifest.version);
  writePackage(dir, packaged);
  cpSync(dir, join(registry, packaged.manifest.version), { recursive: true });
  return packaged.manifest.version;
}

function point(version: string): void {
  const aliases = { format: ALIASES_FORMAT, aliases: { production: version }, history: [] };
  writeFileSync(join(registry, "aliases.json"), `${JSON.stringify(aliases)}\n`);
}

async function servedVersion(server: RunningServer): Promise<string> {
  return ((await request(`${server.url}/readyz`)).body as { model: { version: string } }).model.version;
}

const reload = (server: RunningServer) =>
  request(`${server.url}/admin/reload`, { method: "POST", headers: ADMIN });

async function serve(env: Record<string, string> = {}): Promise<RunningServer> {
  point(versions.serving);
  return startInProcess({
    SERVE_MODEL: registry,
    SERVE_ADMIN_KEYS: ADMIN["x-api-key"],
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_ALIAS_POLL_MS: "0",
    ...env,
  });
}

test.before(async () => {
  versions.serving = await register("regression", { seed: 7 });
  // The same model with other metrics: another version, the same contract.
  versions.compatible = await register("regression", { seed: 7, metrics: { rmse: 2.5, mae: 1.9, r2: 0.9 } });
  // A classifier under the same name: another output kind and other features.
  versions.breaking = await register("binary", { seed: 7 });
  assert.is(new Set(Object.values(versions)).size, 3);
});

test.after(() => temp.remove());

test("a compatible version swaps in; a breaking one is refused and the old model keeps serving", async () => {
  const server = await serve();
  try {
    point(versions.compatible);
    const swapped = await reload(server);
    assert.is(swapped.status, 200);
    assert.is(await servedVersion(server), versions.compatible);

    point(versions.breaking);
    const refused = await reload(server);
    assert.is(refused.status, 422);
    assert.is(errorOf(refused).code, "reload_failed");
    assert.match(errorOf(refused).message, /breaking-change/);
    assert.match(errorOf(refused).message, /SERVE_ALLOW_BREAKING=true/);
    assert.match(
      errorOf(refused).message,
      /output-kind-changed: the model was a regression model, is a classification model/,
    );
    assert.match(errorOf(refused).message, new RegExp(`still serving ${versions.compatible}`));
    assert.is(await servedVersion(server), versions.compatible);
    const metrics = (await request(`${server.url}/metrics`)).text;
    assert.match(metrics, /model_reloads_total\{trigger="admin",result="failure"\} 1/);
  } finally {
    await server.shutdown("test over");
  }
});

test("SERVE_ALLOW_BREAKING=true serves the breaking version", async () => {
  const server = await serve({ SERVE_ALLOW_BREAKING: "true" });
  try {
    point(versions.breaking);
    const swapped = await reload(server);
    assert.is(swapped.status, 200, JSON.stringify(swapped.body));
    assert.is(await servedVersion(server), versions.breaking);
  } finally {
    await server.shutdown("test over");
  }
});

test.run();
