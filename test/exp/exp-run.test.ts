// `exp run` in an isolated copy: the workspace stays byte-identical, the experiment is recorded with its params,
// metrics and dep hashes, a repeat is restored from the run cache, and `exp apply` brings it into the workspace.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { run as reproCommand } from "../../src/cli/commands/repro.js";
import { applyExperiment } from "../../src/exp/apply.js";
import { formatExpError } from "../../src/exp/exp-error.js";
import { runExperiment } from "../../src/exp/run-experiment.js";
import { ExperimentStore } from "../../src/exp/store.js";
import { runCommand } from "../support/command-io.js";
import { expectedLoss, toyPipeline } from "./toy-pipeline.js";

const toy = toyPipeline();
const store = new ExperimentStore(toy.dir);
/** `tabula repro ARGS` in this process; its output is kept, not printed. */
const repro = async (...args: string[]): Promise<number> => (await runCommand(reproCommand, args)).code;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test.after(() => toy.remove());

test("tabula repro records an experiment only when it produced new metrics", async () => {
  assert.is(await repro("--cwd", toy.dir), 0);
  const [first] = store.list();
  assert.is(store.list().length, 1);
  assert.is(first?.source, "repro");
  close(first?.metrics["metrics.json"]?.loss as number, expectedLoss(0.1));
  assert.equal(first?.params, { "data.n": 10, "train.lr": 0.1, "train.steps": 3 });
  assert.equal(Object.keys(first?.deps ?? {}).sort(), ["data.json", "prepare.mjs", "train.mjs"]);
  // The run left new files (pipeline.lock, metrics.json) that git does not have yet.
  assert.equal(first?.rev, { commit: toy.git("rev-parse", "HEAD").trim(), dirty: true });
  assert.equal(first?.stages, { ran: ["prepare", "train"], restored: [] });
  // Nothing changed: nothing runs, nothing is recorded. A forced rerun with identical metrics adds nothing either.
  assert.is(await repro("--cwd", toy.dir), 0);
  assert.is(await repro("--cwd", toy.dir, "--force"), 0);
  assert.is(store.list().length, 1);
});

test("exp run leaves the workspace byte-identical and records the experiment", async () => {
  const before = toy.fingerprint();
  const status = toy.git("status", "--porcelain");
  const result = await runExperiment(toy.dir, { name: "faster", overrides: { "train.lr": 0.4 }, stages: [] });
  if (!result.ok) return assert.unreachable(formatExpError(result.error));
  assert.equal(toy.fingerprint(), before);
  assert.is(toy.git("status", "--porcelain"), status);
  assert.not.ok(existsSync(join(toy.dir, ".repro", "exp", result.experiment.id)), "the copy is removed");
  const experiment = result.experiment;
  assert.is(experiment.name, "faster");
  assert.equal(experiment.overrides, { "train.lr": 0.4 });
  assert.is(experiment.params["train.lr"], 0.4);
  close(experiment.metrics["metrics.json"]?.loss as number, expectedLoss(0.4));
  // prepare's inputs did not change: restored from the run cache the workspace's repro filled.
  assert.equal(experiment.stages, { ran: ["train"], restored: ["prepare"] });
  assert.is(store.find("faster").ok && store.find(experiment.id.slice(0, 6)).ok, true);
});

test("the same experiment again is restored from the run cache, not run", async () => {
  const again = await runExperiment(toy.dir, { name: null, overrides: { "train.lr": 0.4 }, stages: [] });
  if (!again.ok) return assert.unreachable(formatExpError(again.error));
  assert.equal(again.experiment.stages, { ran: [], restored: ["prepare", "train"] });
  const faster = store.find("faster");
  if (!faster.ok) return assert.unreachable(formatExpError(faster.error));
  assert.equal(again.experiment.metrics, faster.value.metrics);
});

test("uncommitted edits are part of the experiment; a param no stage reads is refused", async () => {
  const params = readFileSync(join(toy.dir, "params.yaml"), "utf8");
  writeFileSync(join(toy.dir, "params.yaml"), params.replace("steps: 3", "steps: 5"));
  const edited = await runExperiment(toy.dir, { name: null, overrides: {}, stages: [] });
  writeFileSync(join(toy.dir, "params.yaml"), params);
  if (!edited.ok) return assert.unreachable(formatExpError(edited.error));
  assert.is(edited.experiment.params["train.steps"], 5);
  assert.is(edited.experiment.rev?.dirty, true);
  close(edited.experiment.metrics["metrics.json"]?.loss as number, expectedLoss(0.1, 5));
  const typo = await runExperiment(toy.dir, { name: null, overrides: { "train.lrr": 1 }, stages: [] });
  assert.is(typo.ok, false);
  if (!typo.ok)
    assert.match(
      formatExpError(typo.error),
      /--set-param train\.lrr: no stage reads this param; stages read: data, train/,
    );
});

test("exp apply writes the experiment's params (keeping comments) and restores its outputs", async () => {
  const applied = await applyExperiment(toy.dir, "faster");
  if (!applied.ok) return assert.unreachable(formatExpError(applied.error));
  assert.equal(applied.value.changed, { "train.lr": [0.1, 0.4] });
  assert.equal(applied.value.differingMetrics, []);
  assert.equal(
    applied.value.stages.map(({ stage, outcome }) => [stage, outcome.kind]),
    [
      ["prepare", "up-to-date"],
      ["train", "restored"],
    ],
  );
  const params = readFileSync(join(toy.dir, "params.yaml"), "utf8");
  assert.match(params, /# toy params/);
  assert.match(params, /n: 10 +# rows/);
  assert.match(params, /lr: 0\.4/);
  const metrics = JSON.parse(readFileSync(join(toy.dir, "metrics.json"), "utf8")) as { loss: number };
  close(metrics.loss, expectedLoss(0.4));
});

test.run();
