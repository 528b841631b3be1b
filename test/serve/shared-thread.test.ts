// One inference thread and the prediction log's writer share one worker thread by default (SERVE_SHARED_THREAD):
// both work on it, a hot reload swaps the model's session on that same thread while the log keeps writing, and
// SERVE_SHARED_THREAD=false with SERVE_LOG_WRITER=thread gives each a thread of its own. Without an inference thread
// to share (the compiled trees serve, or SERVE_SHARED_THREAD=false) the writer runs on the event loop: no thread.
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { ALIASES_FORMAT } from "../../src/artifact/aliases.js";
import { buildRegressionPackage, type FixturePackage } from "./support/fixtures.js";
import { request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("shared-thread");
const registry = join(temp.dir, "models", "houses");
let model: FixturePackage;
let next: FixturePackage;

/** Points the registry's production alias at `pkg` (published there first). */
function serve(pkg: FixturePackage): void {
  cpSync(pkg.dir, join(registry, pkg.manifest.version), { recursive: true });
  const aliases = { format: ALIASES_FORMAT, aliases: { production: pkg.manifest.version }, history: [] };
  writeFileSync(join(registry, "aliases.json"), `${JSON.stringify(aliases)}\n`);
}

test.before(async () => {
  [model, next] = await Promise.all([
    buildRegressionPackage(join(temp.dir, "build-1"), 5),
    buildRegressionPackage(join(temp.dir, "build-2"), 6),
  ]);
});
test.after(() => temp.remove());

/** This process's threads by the name the OS shows (serve/worker-thread.ts names ours). */
function threadNames(): string[] {
  return readdirSync("/proc/self/task").flatMap((task) => {
    try {
      return [readFileSync(`/proc/self/task/${task}/comm`, "utf8").trim()];
    } catch {
      return [];
    }
  });
}
const count = (name: string) => threadNames().filter((thread) => thread === name).length;

/** Predicts one row under `id`, then joins a true value to it: both halves need the log's writer. */
async function predictAndLabel(server: RunningServer, id: string): Promise<void> {
  const row = model.manifest.golden[0]?.features as Record<string, number>;
  const predicted = await request(`${server.url}/predict`, {
    body: { features: row },
    headers: { "x-request-id": id },
  });
  assert.is(predicted.status, 200);
  const feedback = await request(`${server.url}/feedback`, { body: { request_id: id, actual: 20 } });
  assert.is(feedback.status, 200);
  assert.is((feedback.body as { matched: number }).matched, 1, "the prediction was in the log");
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
}

test("by default one thread runs both the inference session and the log writer, across a reload", async () => {
  const before = { shared: count("inference+log"), inference: count("inference") };
  serve(model);
  // Onnxruntime serving (the compiled trees off), so that there is a session to share the thread with.
  const server = await startInProcess({
    SERVE_MODEL: registry,
    SERVE_DATA_DIR: join(temp.dir, "shared"),
    SERVE_COMPILED_MAX_ROWS: "0",
  });
  try {
    assert.is(count("inference+log"), before.shared + 1);
    assert.is(count("inference"), before.inference);
    assert.is(count("prediction-log"), 0);
    await predictAndLabel(server, "shared-1");
    serve(next);
    const reloaded = await server.models.reload("signal");
    assert.is(reloaded.result, "success");
    await settle();
    assert.is(count("inference+log"), before.shared + 1, "the new session went to the same thread");
    await predictAndLabel(server, "shared-2");
  } finally {
    await server.shutdown("test over");
  }
  await settle();
  assert.is(count("inference+log"), before.shared, "the thread stops once nothing runs on it");
});

test("SERVE_SHARED_THREAD=false, SERVE_LOG_WRITER=thread: the session and the writer each on a thread of their own", async () => {
  const before = count("inference");
  const server = await startInProcess({
    SERVE_MODEL: model.dir,
    SERVE_DATA_DIR: join(temp.dir, "dedicated"),
    SERVE_SHARED_THREAD: "false",
    SERVE_LOG_WRITER: "thread",
    SERVE_COMPILED_MAX_ROWS: "0",
  });
  try {
    assert.is(count("inference"), before + 1);
    assert.is(count("prediction-log"), 1);
    await predictAndLabel(server, "dedicated-1");
  } finally {
    await server.shutdown("test over");
  }
  await settle();
  assert.is(count("prediction-log"), 0);
});

for (const [name, env] of [
  ["the compiled trees serve (no inference thread)", {}],
  ["SERVE_SHARED_THREAD=false", { SERVE_SHARED_THREAD: "false", SERVE_COMPILED_MAX_ROWS: "0" }],
] as const)
  test(`${name}: the writer runs on the event loop, no thread of its own`, async () => {
    const before = { shared: count("inference+log"), log: count("prediction-log") };
    const server = await startInProcess({
      SERVE_MODEL: model.dir,
      SERVE_DATA_DIR: join(temp.dir, `loop-${before.shared}-${Object.keys(env).length}`),
      ...env,
    });
    try {
      assert.is(server.log?.writer, "event-loop");
      assert.is(count("inference+log"), before.shared);
      assert.is(count("prediction-log"), before.log);
      await predictAndLabel(server, `loop-${Object.keys(env).length}`);
    } finally {
      await server.shutdown("test over");
    }
  });

test.run();
