import { test } from "uvu";
import * as assert from "uvu/assert";
import { forest } from "../../../src/ml/models/forest.js";
import { impurityImportance } from "../../../src/ml/models/index.js";
import { Tree } from "../../../src/ml/models/tree-ensemble.js";
import { friedman, sectors } from "./synthetic.js";

test("derived from the trees, it equals the forest's own impurity-decrease importance", async () => {
  for (const data of [friedman(150, 1), sectors(150, 3, 2)]) {
    const model = await forest.fit(data, forest.params.parse({ n_estimators: 6 }), { seed: 1 });
    const own = model.featureImportance ?? [];
    const { featureImportance: _, ...bare } = model;
    const derived = impurityImportance(bare);
    assert.is(derived.length, data.features.length);
    derived.forEach((value, f) => {
      assert.ok(
        Math.abs(value - (own[f] as number)) < 1e-9,
        `${data.task} feature ${f}: ${value} vs ${own[f]}`,
      );
    });
    assert.is(impurityImportance(model), own, "the learner's own importance is used when present");
  }
});

test("trees without splits give zero importance; trees without samples count leaves", () => {
  const stump = Tree.fromJson({ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [[1]] }, 1);
  const split = Tree.fromJson(
    {
      feature: [1, -1, -1],
      threshold: [0.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [[1], [0], [2]],
    },
    1,
  );
  const ensemble = {
    format: "tabula.trees/v1" as const,
    task: "regression" as const,
    modelType: "handmade",
    featureNames: ["a", "b"],
    outputs: 1,
    aggregate: "sum" as const,
    base: [0],
    postTransform: "none" as const,
  };
  assert.equal(impurityImportance({ ...ensemble, trees: [stump] }), [0, 0]);
  assert.equal(impurityImportance({ ...ensemble, trees: [stump, split] }), [0, 1]);
});

test.run();
