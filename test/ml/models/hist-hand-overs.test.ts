// A threaded histogram gbt fit hands its shared memory to the worker threads twice: the binning's (the rows'
// copy and the cut points), then the rest of the fit's (gbt's rows, the trees' inputs, the scores, the first
// histograms). Each hand-over sends a worker back to its event loop, and one it has not taken yet makes it join
// the command late or not at all; gbt gives the learner its arrays before the first round (useRows) and the
// workspace reserves its first histograms, so no tree hands over again.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gbt } from "../../../src/ml/models/gbt.js";
import { threadedStats } from "../../../src/ml/models/hist/threaded-executor.js";
import { friedman, sectors } from "./synthetic.js";

async function handOvers(fit: () => unknown): Promise<number> {
  const before = threadedStats.attaches;
  await fit();
  return threadedStats.attaches - before;
}

test("a threaded gbt fit hands its memory to the workers twice, whatever the rounds", async () => {
  const train = friedman(5000, 4, { noise: 1 });
  for (const extra of [{}, { subsample: 0.8 }, { colsample_bytree: 0.7 }]) {
    const params = gbt.params.parse({ n_estimators: 12, max_depth: 5, tree_method: "hist", ...extra });
    const count = await handOvers(() => gbt.fit(train, params, { seed: 2, threads: 2 }));
    assert.is(count, 2, `hand-overs with ${JSON.stringify(extra)}`);
  }
});

test("a threaded multiclass fit hands over twice too", async () => {
  const train = sectors(4000, 3, 5);
  const params = gbt.params.parse({ n_estimators: 6, max_depth: 4, tree_method: "hist" });
  assert.is(await handOvers(() => gbt.fit(train, params, { seed: 2, threads: 2 })), 2);
});

test.run();
