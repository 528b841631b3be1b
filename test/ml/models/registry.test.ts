import { test } from "uvu";
import * as assert from "uvu/assert";
import { getModelType, MODEL_TYPE_NAMES, parseModelParams } from "../../../src/ml/models/index.js";

test("every model type is registered under its own name", () => {
  assert.equal(MODEL_TYPE_NAMES, ["forest", "gbt", "ml-random-forest"]);
  for (const name of MODEL_TYPE_NAMES) {
    const found = getModelType(name);
    assert.ok(found.ok);
    if (found.ok) assert.is(found.value.name, name);
  }
});

test("an unknown model type is an error value listing the known ones", () => {
  const found = getModelType("xgboost");
  assert.not.ok(found.ok);
  if (!found.ok) {
    assert.is(found.error.kind, "unknown-model-type");
    assert.match(found.error.message, /"xgboost".*forest, gbt, ml-random-forest/);
  }
  assert.not.ok(getModelType("toString").ok, "no prototype keys");
});

test("missing params take the defaults", () => {
  for (const name of MODEL_TYPE_NAMES) {
    const found = getModelType(name);
    if (!found.ok) throw new Error(name);
    assert.ok(parseModelParams(found.value, undefined).ok, name);
    assert.ok(parseModelParams(found.value, {}).ok, name);
  }
  const forest = getModelType("forest");
  if (forest.ok) {
    const parsed = parseModelParams(forest.value, { n_estimators: 10 });
    assert.equal(parsed.ok && parsed.value, {
      n_estimators: 10,
      max_depth: null,
      min_samples_split: 2,
      min_samples_leaf: 1,
      max_features: null,
      bootstrap: true,
      max_samples: null,
      tree_method: "auto",
      max_bins: 255,
    });
  }
});

test("bad params are errors naming the key", () => {
  const cases: [string, unknown, string[]][] = [
    ["forest", { n_estimators: 0 }, ["n_estimators"]],
    ["forest", { max_features: 2.5 }, ["max_features"]],
    ["forest", { max_features: "half" }, ["max_features"]],
    ["forest", { n_estimator: 10 }, ["n_estimator"]],
    ["gbt", { learning_rate: 1.5, max_depth: 2.5 }, ["learning_rate", "max_depth"]],
    ["gbt", { subsample: 0 }, ["subsample"]],
    ["gbt", { lambda: "big" }, ["lambda"]],
    ["ml-random-forest", { min_num_samples: -1 }, ["min_num_samples"]],
    ["ml-random-forest", { selection_method: "median" }, ["selection_method"]],
  ];
  for (const [name, raw, keys] of cases) {
    const found = getModelType(name);
    if (!found.ok) throw new Error(name);
    const parsed = parseModelParams(found.value, raw);
    assert.not.ok(parsed.ok, `${name} ${JSON.stringify(raw)}`);
    if (parsed.ok) continue;
    assert.is(parsed.error.kind, "invalid-params");
    assert.equal(parsed.error.keys, keys);
    assert.match(parsed.error.message, `"${name}"`);
    for (const key of keys) assert.match(parsed.error.message, key);
  }
});

test.run();
