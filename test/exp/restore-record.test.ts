// `tabula repro` after going back to params already tried: train is restored from the run cache and its metrics equal
// an experiment already recorded, so nothing new is recorded (`exp show` lists each experiment once); a real change
// is still recorded.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { run as reproCommand } from "../../src/cli/commands/repro.js";
import { ExperimentStore } from "../../src/exp/store.js";
import { runCommand } from "../support/command-io.js";
import { toyPipeline } from "./toy-pipeline.js";

const toy = toyPipeline();
const store = new ExperimentStore(toy.dir);

async function repro(): Promise<void> {
  const run = await runCommand(reproCommand, ["--cwd", toy.dir]);
  assert.is(run.code, 0, run.stderr);
}

function setLearningRate(lr: number): void {
  const path = join(toy.dir, "params.yaml");
  writeFileSync(path, readFileSync(path, "utf8").replace(/lr: [\d.]+/, `lr: ${lr}`));
}

test.after(() => toy.remove());

test("a pure run-cache restore of a recorded experiment records nothing; a new result is recorded", async () => {
  await repro();
  setLearningRate(0.2);
  await repro();
  assert.is(store.list().length, 2);
  setLearningRate(0.1);
  await repro();
  assert.is(store.list().length, 2, "back to lr 0.1: restored, the same as the first experiment");
  setLearningRate(0.3);
  await repro();
  const recorded = store.list();
  assert.is(recorded.length, 3);
  assert.equal(recorded.at(-1)?.stages.ran, ["train"]);
});

test.run();
