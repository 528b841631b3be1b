// Queued experiments run in parallel (`exp queue start --jobs 2`) give the same metrics as the same experiments
// run one after another; without the run cache, so every one of them really runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatExpError } from "../../src/exp/exp-error.js";
import { enqueue, runQueue } from "../../src/exp/queue.js";
import { runExperiment } from "../../src/exp/run-experiment.js";
import { ExperimentStore } from "../../src/exp/store.js";
import { toyPipeline } from "./toy-pipeline.js";

const RATES = [0.05, 0.2, 0.4, 0.8];
const parallel = toyPipeline();
const sequential = toyPipeline();

test.after(() => {
  parallel.remove();
  sequential.remove();
});

test("four queued experiments, two at a time, match the same four run one by one", async () => {
  for (const lr of RATES)
    enqueue(parallel.dir, { name: `lr-${lr}`, overrides: { "train.lr": lr }, stages: [] });
  const store = new ExperimentStore(parallel.dir);
  assert.is(store.queued().length, 4);
  let running = 0;
  let mostAtOnce = 0;
  const report = await runQueue(parallel.dir, {
    jobs: 2,
    runCache: false,
    eventsFor: () => (event) => {
      if (event.type === "plan") mostAtOnce = Math.max(mostAtOnce, ++running);
      if (event.type === "stage-finished" && event.stage === "train") running--;
    },
  });
  assert.equal(report.failed, []);
  assert.is(report.succeeded.length, 4);
  assert.is(mostAtOnce, 2, "two experiments ran at the same time");
  assert.equal(store.queued(), [], "the queue is empty");

  const inParallel = Object.fromEntries(store.list().map((e) => [e.params["train.lr"], e.metrics]));
  for (const lr of RATES) {
    const result = await runExperiment(
      sequential.dir,
      { name: null, overrides: { "train.lr": lr }, stages: [] },
      { runCache: false, handleSignals: false },
    );
    if (!result.ok) return assert.unreachable(formatExpError(result.error));
    assert.equal(result.experiment.stages.ran, ["prepare", "train"], "ran, not restored");
    assert.equal(result.experiment.metrics, inParallel[lr], `lr ${lr}`);
  }
  assert.is(
    new Set(Object.values(inParallel).map((metrics) => JSON.stringify(metrics))).size,
    4,
    "they differ",
  );
});

test("a failing queued experiment stays in the queue with its error", async () => {
  enqueue(parallel.dir, { name: "broken", overrides: { "data.n": -1 }, stages: [] });
  const report = await runQueue(parallel.dir, { jobs: 2, runCache: false });
  assert.is(report.failed.length, 1);
  assert.match(report.failed[0]?.message ?? "", /prepare/);
  const [left] = new ExperimentStore(parallel.dir).queued();
  assert.is(left?.name, "broken");
  assert.match(left?.failed ?? "", /prepare/);
});

test.run();
