// A histogram worker thread that dies mid-fit fails the fit with an error naming it (instead of a hang until the
// answer timeout), and the next fit gets a new worker. Its own file: the hook is read when the pool starts a worker.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MlFailure } from "../../../src/ml/errors.js";
import { gbt } from "../../../src/ml/models/gbt.js";
import { friedman } from "./synthetic.js";

test("a worker thread that exits mid-fit fails that fit with its number and exit code; the next fit succeeds", async () => {
  const train = friedman(3000, 7, { noise: 1 });
  const params = gbt.params.parse({ n_estimators: 10, max_depth: 4, tree_method: "hist" });
  // At the first unit worker 1 claims: units go to whichever thread claims them first, so on a busy machine the
  // calling thread can take most of them, and a worker's 10th claim may never come in a short fit.
  process.env.TABULA_TEST_HIST_WORKER_EXIT = "1:1";
  const started = performance.now();
  const failed = await Promise.resolve()
    .then(() => gbt.fit(train, params, { seed: 1, threads: 2 }))
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  console.log(`worker death noticed after ${Math.round(performance.now() - started)} ms (whole failed fit)`);
  delete process.env.TABULA_TEST_HIST_WORKER_EXIT;
  assert.instance(failed, MlFailure);
  const error = (failed as MlFailure).error;
  assert.is(error.kind, "worker-thread");
  assert.match(
    error.kind === "worker-thread" ? error.message : "",
    /^histogram worker 1 exited with code 70 during level command \d+$/,
  );

  const threaded = JSON.stringify(await gbt.fit(train, params, { seed: 1, threads: 2 }));
  assert.is(
    threaded,
    JSON.stringify(await gbt.fit(train, params, { seed: 1, threads: 1 })),
    "the rebuilt pool fits",
  );
});

test.run();
