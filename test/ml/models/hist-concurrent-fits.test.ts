// Threaded fits started at once in one process (a notebook's, a server's) share the process's worker pool one fit
// at a time: each ends, with the model one thread grows. Before, both waited forever (each worker sits in one fit's
// command loop until that fit releases it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gbt } from "../../../src/ml/models/gbt.js";
import { friedman } from "./synthetic.js";

test("three threaded gbt fits started at once all end, each with the one-thread model", async () => {
  const train = friedman(6000, 7, { noise: 1 });
  const params = gbt.params.parse({ n_estimators: 15, max_depth: 4, tree_method: "hist" });
  const single = JSON.stringify(await gbt.fit(train, params, { seed: 3, threads: 1 }));
  // Without the pool taken one fit at a time this never ends (scripts/run-tests.mjs kills the file after its timeout).
  const models = await Promise.all([1, 2, 3].map(() => gbt.fit(train, params, { seed: 3, threads: 2 })));
  for (const [i, model] of models.entries())
    assert.ok(JSON.stringify(model) === single, `fit ${i + 1} differs from the one-thread model`);
});

test.run();
