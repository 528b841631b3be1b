// A worker that wakes late for a command (it reads the op after the next command was published) claims nothing of
// either: the threaded model stays the single-threaded one. Its own file: the hook is read when the pool starts a
// worker, and every worker of this process wakes late.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gbt } from "../../../src/ml/models/gbt.js";
import { friedman } from "./synthetic.js";

// The calling thread pauses where the race was (between publishing a command's op and opening its CLAIM) and the
// workers read the op up to 0.5 ms late: without the pause that window is nanoseconds wide, and only a loaded
// machine (a descheduled calling thread) hits it. Without the fix in command() 10 of 10 runs of this file failed
// (with 12 fits: 17 of 18).
process.env.TABULA_TEST_HIST_WORKER_LATE_WAKE = "0.5";
process.env.TABULA_TEST_HIST_PUBLISH_PAUSE = "0.4";

test("threads wake late for their commands: the threaded models equal the single-threaded ones", async () => {
  // Depth-wise levels: consecutive commands differ in their unit counts (two-phase splits among one-phase ones).
  const train = friedman(3000, 7, { noise: 1 });
  const params = gbt.params.parse({ n_estimators: 40, max_depth: 5, tree_method: "hist" });
  for (let seed = 1; seed <= 20; seed++) {
    const single = JSON.stringify(await gbt.fit(train, params, { seed, threads: 1 }));
    const threaded = JSON.stringify(await gbt.fit(train, params, { seed, threads: 2 }));
    assert.ok(threaded === single, `seed ${seed}: the threaded model differs from the single-threaded one`);
  }
});

test.run();
