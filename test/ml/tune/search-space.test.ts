import { test } from "uvu";
import * as assert from "uvu/assert";
import { getModelType } from "../../../src/ml/models/index.js";
import type { SearchSpace } from "../../../src/ml/params.js";
import { checkSearchSpace } from "../../../src/ml/tune/tune.js";

const found = getModelType("forest");
if (!found.ok) throw new Error(found.error.message);
const forest = found.value;

test("a valid space and fixed params pass", () => {
  const space: SearchSpace = {
    n_estimators: { type: "int", low: 10, high: 50, step: 1, log: false },
    max_features: { type: "uniform", low: 0.2, high: 1 },
    max_depth: { type: "categorical", choices: [null, 4, 8] },
  };
  assert.is(checkSearchSpace(forest, { bootstrap: true }, space), undefined);
});

test("an unknown param, a bad bound and a bad fixed param are located before any trial runs", () => {
  assert.equal(
    checkSearchSpace(forest, {}, { n_estimator: { type: "int", low: 1, high: 9, step: 1, log: false } }),
    {
      path: ["tune", "space", "forest", "n_estimator"],
      message: '"n_estimator" is not a param of model type "forest" (did you mean "n_estimators"?)',
    },
  );
  const bound = checkSearchSpace(
    forest,
    {},
    { min_samples_leaf: { type: "int", low: 0, high: 9, step: 1, log: false } },
  );
  assert.equal(bound?.path, ["tune", "space", "forest", "min_samples_leaf"]);
  assert.match(bound?.message ?? "", /^0: /);
  assert.equal(checkSearchSpace(forest, { n_estimators: "many" }, {})?.path, [
    "model",
    "params",
    "n_estimators",
  ]);
});

test.run();
