import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commit } from "../../src/repro/commit.js";
import { formatError } from "../../src/repro/errors.js";
import { gc } from "../../src/repro/gc.js";
import { status } from "../../src/repro/status-api.js";
import { project, read, removeProjects, runRepro, writeFiles } from "./helpers.js";

// `runs.log` is a side effect outside the stage's outputs: it counts how often the command really ran.
const PIPELINE = `stages:
  train:
    cmd: >-
      echo run >> runs.log && mkdir -p model &&
      echo "weights $(cat params.yaml | tr -d '\\n')" > model/weights.txt &&
      echo "config" > model/config.txt &&
      echo "{\\"lr\\": \\"$(grep lr params.yaml)\\"}" > metrics.json
    deps: [data.txt]
    params: [train.lr]
    outs: [model]
    metrics: [metrics.json]
`;

function toy(): string {
  return project({ "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data.txt": "rows\n" });
}

const runCount = (dir: string) => read(dir, "runs.log").trim().split("\n").length;

test.after(removeProjects);

test("flipping a param back and forth costs no rerun: outputs come back byte-identical from the run cache", async () => {
  const dir = toy();
  await runRepro(dir);
  const first = {
    weights: read(dir, "model/weights.txt"),
    metrics: read(dir, "metrics.json"),
    lock: read(dir, "pipeline.lock"),
  };
  const two = await runRepro(dir, { setParams: { "train.lr": 2 } });
  assert.equal(two.ran, ["train"]);
  assert.is.not(read(dir, "model/weights.txt"), first.weights);
  const back = await runRepro(dir, { setParams: { "train.lr": 1 } });
  assert.equal(back.restored, ["train"]);
  assert.is(runCount(dir), 2, "the command ran twice, not three times");
  assert.is(read(dir, "model/weights.txt"), first.weights);
  assert.is(read(dir, "model/config.txt"), "config\n");
  assert.is(read(dir, "metrics.json"), first.metrics, "metrics come back too");
  assert.is(read(dir, "pipeline.lock"), first.lock, "the lock is the one of the first run");
  const again = await runRepro(dir, { setParams: { "train.lr": 2 } });
  assert.equal(again.restored, ["train"]);
  assert.is(runCount(dir), 2);
});

test("--no-run-cache and --force run the command even when a cached run matches", async () => {
  const dir = toy();
  await runRepro(dir);
  await runRepro(dir, { setParams: { "train.lr": 2 } });
  const noCache = await runRepro(dir, { setParams: { "train.lr": 1 }, runCache: false });
  assert.equal(noCache.ran, ["train"]);
  assert.is(runCount(dir), 3);
  const forced = await runRepro(dir, { force: true });
  assert.equal(forced.ran, ["train"]);
  assert.is(runCount(dir), 4);
});

test("a restore whose objects were removed falls back to running", async () => {
  const dir = toy();
  await runRepro(dir);
  await runRepro(dir, { setParams: { "train.lr": 2 } });
  rmSync(join(dir, ".repro/cache/objects"), { recursive: true });
  const back = await runRepro(dir, { setParams: { "train.lr": 1 } });
  assert.equal(back.ran, ["train"]);
});

test("gc keeps what the lock and the most recent runs need, and removes the rest", async () => {
  const dir = toy();
  for (const lr of [1, 2, 3]) {
    await runRepro(dir, { setParams: { "train.lr": lr } });
    await new Promise((resolve) => setTimeout(resolve, 15)); // distinct run-entry times
  }
  const dry = await gc({ cwd: dir, keepRuns: 1, dry: true });
  assert.ok(dry.ok);
  const objectsBefore = readdirSync(join(dir, ".repro/cache/objects"), { recursive: true }).length;
  const removed = await gc({ cwd: dir, keepRuns: 1 });
  assert.ok(removed.ok, removed.ok ? "" : formatError(removed.error));
  if (!removed.ok || !dry.ok) return;
  assert.equal(dry.value, removed.value, "--dry reports exactly what gc then does");
  assert.is(removed.value.removedRuns, 2);
  assert.is(removed.value.keptRuns, 1);
  assert.ok(removed.value.removedObjects > 0);
  assert.ok(readdirSync(join(dir, ".repro/cache/objects"), { recursive: true }).length < objectsBefore);
  assert.is(readdirSync(join(dir, ".repro/cache/runs/train")).length, 1);
  // What the lock points at can still be restored.
  rmSync(join(dir, "model"), { recursive: true });
  assert.equal((await runRepro(dir)).restored, ["train"]);
  assert.is(read(dir, "model/config.txt"), "config\n");
  // A run whose entry was collected has to run again.
  assert.equal((await runRepro(dir, { setParams: { "train.lr": 1 } })).ran, ["train"]);
  const nothing = await gc({ cwd: dir, keepRuns: 5 });
  assert.is(nothing.ok && nothing.value.removedRuns, 0);
});

test("commit accepts the current deps and outputs into the lock without running", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "data.txt": "rows \n" });
  const stale = await status({ cwd: dir });
  assert.is(stale.ok && stale.value[0]?.state, "stale");
  const committed = await commit({ cwd: dir });
  assert.equal(committed.ok && committed.value, { committed: ["train"], unchanged: [] });
  const clean = await status({ cwd: dir });
  assert.is(clean.ok && clean.value[0]?.state, "up-to-date");
  assert.equal((await runRepro(dir)).ran, []);
  assert.is(runCount(dir), 1);
  const again = await commit({ cwd: dir, stages: ["train"] });
  assert.equal(again.ok && again.value, { committed: [], unchanged: ["train"] });
  rmSync(join(dir, "metrics.json"));
  const missing = await commit({ cwd: dir });
  assert.is(
    missing.ok ? "" : formatError(missing.error),
    'stage "train": cannot commit, output "metrics.json" does not exist',
  );
  assert.ok(existsSync(join(dir, "pipeline.lock")));
});

test("workspaces sharing a cache directory reuse each other's runs (an experiment's isolated copy, say)", async () => {
  const shared = join(project({}), "cache");
  const main = toy();
  await runRepro(main, { cacheDir: shared });
  const experiment = toy();
  const run = await runRepro(experiment, { cacheDir: shared });
  assert.equal(run.restored, ["train"]);
  assert.not.ok(existsSync(join(experiment, "runs.log")), "the experiment's copy never ran the command");
  assert.is(read(experiment, "model/weights.txt"), read(main, "model/weights.txt"));
  assert.not.ok(existsSync(join(experiment, ".repro/cache")), "nothing went to the workspace's own cache");
});

test.run();
