import { chmodSync, existsSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { project, read, removeProjects, runRepro, writeFiles } from "./helpers.js";

// prepare → features → train. `features` upper-cases its input whatever its params say, so a features param
// change reruns features but leaves train's dep byte-identical.
const PIPELINE = `stages:
  prepare:
    cmd: mkdir -p data && cat raw.txt > data/prepared.txt
    deps: [raw.txt]
    params: [prepare.scale]
    outs: [data/prepared.txt]
  features:
    cmd: tr a-z A-Z < data/prepared.txt > features.txt
    deps: [data/prepared.txt]
    params: [features]
    outs: [features.txt]
  train:
    cmd: cat features.txt > model.txt && printf '{"loss":1.5}' > metrics.json
    deps: [features.txt]
    params: [train.lr]
    outs: [model.txt]
    metrics: [metrics.json]
`;
const PARAMS =
  "prepare:\n  scale: 1\nfeatures:\n  width: 3\n  names: [a, b]\ntrain:\n  lr: 0.1\n  depth: 4\n";

function toy(): string {
  return project({ "pipeline.yaml": PIPELINE, "params.yaml": PARAMS, "raw.txt": "hello\n" });
}

test.after(removeProjects);

test("a first run runs every stage in order and writes one lock block per stage", async () => {
  const dir = toy();
  const run = await runRepro(dir);
  assert.ok(run.result.ok);
  assert.equal(run.ran, ["prepare", "features", "train"]);
  assert.is(read(dir, "model.txt"), "HELLO\n");
  const lock = read(dir, "pipeline.lock");
  assert.match(lock, /^schema: "1"\nhash: xxh3-64x2\nstages:\n {2}prepare:\n/);
  assert.ok(
    lock.indexOf("  prepare:") < lock.indexOf("  features:") &&
      lock.indexOf("  features:") < lock.indexOf("  train:"),
  );
  assert.match(lock, / {6}params\.yaml:\n {8}train\.lr: 0\.1\n/);
  assert.match(lock, / {6}params\.yaml:\n {8}features:\n {10}width: 3\n/);
  const again = await runRepro(dir);
  assert.equal(again.skipped, ["prepare", "features", "train"]);
  assert.is(read(dir, "pipeline.lock"), lock, "a no-op run leaves the lock byte-identical");
});

test("the same inputs give a byte-identical lock in another directory", async () => {
  const a = toy();
  const b = toy();
  await runRepro(a);
  await runRepro(b);
  assert.is(read(a, "pipeline.lock"), read(b, "pipeline.lock"));
});

test("changing a param reruns exactly the stages that use it", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "params.yaml": PARAMS.replace("lr: 0.1", "lr: 0.2") });
  const run = await runRepro(dir);
  assert.equal(run.ran, ["train"]);
  assert.equal(run.skipped, ["prepare", "features"]);
  const outcome = run.outcomes.get("train");
  assert.equal(outcome?.kind === "ran" && outcome.reasons, [
    { kind: "param-changed", file: "params.yaml", key: "train.lr", old: 0.1, new: 0.2 },
  ]);
  // A key nobody reads changes nothing.
  writeFiles(dir, { "params.yaml": PARAMS.replace("lr: 0.1", "lr: 0.2").replace("depth: 4", "depth: 5") });
  assert.equal((await runRepro(dir)).ran, []);
});

test("a top-level params key covers its subtree; an upstream rerun with identical output stops there", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "params.yaml": PARAMS.replace("names: [a, b]", "names: [a, b, c]") });
  const run = await runRepro(dir);
  assert.equal(run.ran, ["features"]);
  assert.equal(
    run.skipped,
    ["prepare", "train"],
    "features.txt came out byte-identical, so train is up to date",
  );
});

test("touching a file without changing its bytes reruns nothing", async () => {
  const dir = toy();
  await runRepro(dir);
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(dir, "raw.txt"), future, future);
  assert.equal((await runRepro(dir)).ran, []);
  // A rewrite with the same bytes (new inode, new mtime) as editors do.
  writeFileSync(join(dir, "raw.new"), "hello\n");
  renameSync(join(dir, "raw.new"), join(dir, "raw.txt"));
  const run = await runRepro(dir);
  assert.equal(run.ran, []);
  assert.equal(run.skipped, ["prepare", "features", "train"]);
});

test("changing a dep's bytes reruns its stage and what depends on the change", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "raw.txt": "world\n" });
  const run = await runRepro(dir);
  assert.equal(run.ran, ["prepare", "features", "train"]);
  assert.is(read(dir, "model.txt"), "WORLD\n");
});

test("deleting an output reruns its stage (without the run cache) and nothing downstream", async () => {
  const dir = toy();
  await runRepro(dir);
  rmSync(join(dir, "features.txt"));
  const run = await runRepro(dir, { runCache: false });
  assert.equal(run.ran, ["features"]);
  assert.equal(run.skipped, ["prepare", "train"]);
  assert.is(read(dir, "features.txt"), "HELLO\n");
});

test("deleting an output restores it from the cache, byte-identical, without running", async () => {
  const dir = toy();
  await runRepro(dir);
  const before = read(dir, "metrics.json");
  rmSync(join(dir, "metrics.json"));
  writeFiles(dir, { "model.txt": "tampered\n" });
  const run = await runRepro(dir);
  assert.equal(run.restored, ["train"]);
  assert.equal(run.ran, []);
  assert.is(read(dir, "metrics.json"), before);
  assert.is(read(dir, "model.txt"), "HELLO\n");
});

test("a failing stage stops the run with its exit code and keeps its previous outputs and lock block", async () => {
  const dir = toy();
  await runRepro(dir);
  const lockBefore = read(dir, "pipeline.lock");
  writeFiles(dir, {
    "pipeline.yaml": PIPELINE.replace(
      "cmd: cat features.txt > model.txt &&",
      "cmd: echo partial > model.txt && exit 3 &&",
    ),
    "raw.txt": "changed\n",
  });
  const run = await runRepro(dir);
  assert.not.ok(run.result.ok);
  if (run.result.ok) return;
  assert.equal(run.result.error, { kind: "stage-failed", stage: "train", exitCode: 3, signal: null });
  assert.match(formatError(run.result.error), /^stage "train" failed: exit code 3/);
  assert.equal(run.ran, ["prepare", "features"]);
  assert.equal(run.failed, ["train"]);
  assert.is(read(dir, "model.txt"), "HELLO\n", "the partial output was replaced by the previous one");
  const lockAfter = read(dir, "pipeline.lock");
  const trainBlock = (lock: string) => lock.slice(lock.indexOf("  train:"));
  assert.is(trainBlock(lockAfter), trainBlock(lockBefore), "train's lock block is untouched");
  assert.is.not(lockAfter, lockBefore, "the stages that succeeded were recorded");
});

test("a stage that succeeds without writing an output fails, and nothing is recorded", async () => {
  const dir = project({
    "pipeline.yaml": "stages:\n  a:\n    cmd: echo nothing\n    outs: [a.txt]\n",
  });
  const run = await runRepro(dir);
  assert.equal(run.result.ok ? undefined : run.result.error, {
    kind: "output-missing",
    stage: "a",
    path: "a.txt",
    when: "run",
  });
  assert.not.ok(existsSync(join(dir, "pipeline.lock")));
});

test("a changed cmd reruns the stage; --force reruns everything selected; --dry runs nothing", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "pipeline.yaml": PIPELINE.replace("tr a-z A-Z <", "tr a-z A-Z  <") });
  const dry = await runRepro(dir, { dry: true });
  assert.equal(
    dry.result.stages.map((s) => [s.stage, s.outcome.kind]),
    [
      ["prepare", "up-to-date"],
      ["features", "would-run"],
      ["train", "would-run"],
    ],
  );
  const lock = read(dir, "pipeline.lock");
  assert.equal((await runRepro(dir, { dry: true })).ran, []);
  assert.is(read(dir, "pipeline.lock"), lock, "--dry wrote nothing");
  const run = await runRepro(dir);
  assert.equal(run.ran, ["features"]);
  const outcome = run.outcomes.get("features");
  assert.is(outcome?.kind === "ran" && outcome.reasons[0]?.kind, "cmd-changed");
  const forced = await runRepro(dir, { force: true, stages: ["features"] });
  assert.equal(forced.ran, ["prepare", "features"]);
});

test("targets select a stage and its upstream; --single only the stage", async () => {
  const dir = toy();
  const partial = await runRepro(dir, { stages: ["features"] });
  assert.equal(partial.ran, ["prepare", "features"]);
  assert.not.ok(existsSync(join(dir, "model.txt")));
  const unknown = await runRepro(dir, { stages: ["nope"] });
  assert.is(
    unknown.result.ok ? "" : formatError(unknown.result.error),
    'unknown stage "nope"; stages: prepare, features, train',
  );
  writeFiles(dir, { "raw.txt": "again\n" });
  const single = await runRepro(dir, { stages: ["features"], single: true });
  assert.equal(single.ran, []);
  assert.equal(single.skipped, ["features"]);
});

test("frozen stages never run; always_changed stages always do", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  frozen:
    cmd: echo run >> frozen.log && cp in.txt f.txt
    deps: [in.txt]
    outs: [f.txt]
  champion:
    cmd: echo run >> champion.log && echo 1 > c.txt
    outs: [c.txt]
    always_changed: true
`,
    "in.txt": "1\n",
  });
  await runRepro(dir);
  writeFiles(dir, {
    "pipeline.yaml": read(dir, "pipeline.yaml").replace(
      "cmd: echo run >> frozen.log",
      "frozen: true\n    cmd: echo run >> frozen.log",
    ),
    "in.txt": "2\n",
  });
  const run = await runRepro(dir);
  assert.is(run.outcomes.get("frozen")?.kind, "frozen");
  assert.equal(run.ran, ["champion"]);
  assert.is(read(dir, "frozen.log"), "run\n");
  assert.is(read(dir, "champion.log"), "run\nrun\n");
});

test("stage commands: list form runs in order, cwd is the pipeline directory, node_modules/.bin is on PATH, stdin is closed, the stage and its deps are in the environment", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  a:
    cmd:
      - hello-tool > a.txt
      - pwd >> a.txt
      - cat >> a.txt
      - echo "$TABULA_STAGE" >> a.txt
      - echo "$TABULA_STAGE_DEPS" >> a.txt
    deps: [in.txt, lib/]
    outs: [a.txt]
`,
    "in.txt": "x",
    "lib/x.txt": "x",
    "node_modules/.bin/hello-tool": "#!/bin/sh\necho from-bin\n",
  });
  chmodSync(join(dir, "node_modules/.bin/hello-tool"), 0o755);
  const run = await runRepro(dir);
  assert.ok(run.result.ok, run.result.ok ? "" : formatError(run.result.error));
  const { realpathSync } = await import("node:fs");
  assert.is(read(dir, "a.txt"), `from-bin\n${realpathSync(dir)}\na\n["in.txt","lib"]\n`);
  const output = run.events.filter((e) => e.type === "stage-output");
  assert.equal(output, [], "the commands printed nothing else");
});

test("directory deps and outputs: a changed file inside reruns the stage", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  copy:
    cmd: rm -rf out && cp -r src out && ls out > listing.txt
    deps: [src]
    outs: [out, listing.txt]
`,
    "src/a.txt": "a\n",
    "src/nested/b.txt": "b\n",
  });
  await runRepro(dir);
  assert.match(read(dir, "pipeline.lock"), /path: out\n {8}hash: [0-9a-f]{32}\n {8}size: 4\n {8}nfiles: 2\n/);
  assert.equal((await runRepro(dir)).ran, []);
  writeFiles(dir, { "src/nested/b.txt": "B\n" });
  const run = await runRepro(dir, { runCache: false });
  assert.equal(run.ran, ["copy"]);
  assert.is(read(dir, "out/nested/b.txt"), "B\n");
});

test("output lines of a stage arrive as events, and a failure keeps the last lines", async () => {
  const dir = project({
    "pipeline.yaml": "stages:\n  a:\n    cmd: echo one && echo two >&2 && exit 1\n    outs: [a.txt]\n",
  });
  const run = await runRepro(dir);
  const lines = run.events.flatMap((e) => (e.type === "stage-output" ? [`${e.stream}:${e.line}`] : []));
  assert.equal(lines, ["stdout:one", "stderr:two"]);
  const outcome = run.outcomes.get("a");
  assert.equal(outcome?.kind === "failed" && outcome.outputTail, ["one", "two"]);
});

test("setParams writes overrides into params.yaml (keeping comments) before running", async () => {
  const dir = toy();
  writeFiles(dir, { "params.yaml": `# tuned by hand\n${PARAMS}` });
  await runRepro(dir);
  const dry = await runRepro(dir, { dry: true, setParams: { "train.lr": 0.5 } });
  assert.equal(
    dry.result.stages.filter((s) => s.outcome.kind === "would-run").map((s) => s.stage),
    ["train"],
  );
  assert.match(read(dir, "params.yaml"), /lr: 0\.1/, "--dry does not write params");
  const run = await runRepro(dir, { setParams: { "train.lr": 0.5 } });
  assert.equal(run.ran, ["train"]);
  assert.match(read(dir, "params.yaml"), /^# tuned by hand\n/);
  assert.match(read(dir, "params.yaml"), /lr: 0\.5/);
});

test.run();
