import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError, type MlError, type Result } from "../../../src/ml/errors.js";
import { MlParams } from "../../../src/ml/params.js";
import { ParamsFile } from "../../../src/ml/params-file.js";
import { CLASSIFICATION_PARAMS } from "../../fixtures/classification.js";

function params(text: string): MlParams {
  const file = ParamsFile.parse("params.yaml", text);
  if (!file.ok) throw new Error(formatError(file.error));
  return new MlParams(file.value);
}

function errorOf<T>(result: Result<T>): string {
  if (result.ok) throw new Error("expected an error");
  return formatError(result.error as MlError);
}

test("the fixture's sections all validate", () => {
  const p = params(CLASSIFICATION_PARAMS);
  for (const result of [
    p.dataset(),
    p.split(),
    p.features(),
    p.model(),
    p.tune("classification", "forest"),
    p.evaluate("classification"),
    p.registry(),
  ])
    assert.ok(result.ok, result.ok ? "" : formatError(result.error));
});

test("malformed YAML names the file and line", () => {
  const file = ParamsFile.parse("params.yaml", "dataset:\n  path: a.csv\n  target: [y\nsplit: {}\n");
  assert.not.ok(file.ok);
  if (!file.ok) assert.match(formatError(file.error), /^params\.yaml:\d+: : invalid YAML/);
});

test("an unknown key points at its own line and suggests the near miss", () => {
  const text = "dataset:\n  path: a.csv\n  target: y\n  task: regression\n  catgorical: [c]\n";
  assert.is(
    errorOf(params(text).dataset()),
    'params.yaml:5: dataset.catgorical: unknown key "catgorical" (did you mean "categorical"?)',
  );
});

test("a bad value names its line and key", () => {
  const text = "split:\n  test_size: 1.5\n  seed: 1\n";
  assert.match(errorOf(params(text).split()), /^params\.yaml:2: split\.test_size: /);
  const steps = "features:\n  steps:\n    - {op: impute, columns: [a], strategy: mode}\n";
  assert.match(errorOf(params(steps).features()), /^params\.yaml:3: features\.steps\[0\]\.strategy: /);
  const op = "features:\n  steps:\n    - {op: square, columns: [a]}\n";
  assert.match(errorOf(params(op).features()), /^params\.yaml:3: features\.steps\[0\]\.op: /);
});

test("a missing section is reported as missing", () => {
  assert.match(
    errorOf(params("split: {test_size: 0.2, seed: 1}\n").dataset()),
    /^params\.yaml:1: dataset: missing/,
  );
});

test("cross-field checks: metric vs task, a search space for the model type, bounds", () => {
  const p = params(CLASSIFICATION_PARAMS);
  assert.match(
    errorOf(p.tune("regression", "forest")),
    /tune\.metric: "log_loss" is a classification metric; the task is regression/,
  );
  assert.match(
    errorOf(p.tune("classification", "gbt")),
    /tune\.space: has no search space for model type "gbt"/,
  );
  const reversed = CLASSIFICATION_PARAMS.replace(
    "{type: int, low: 5, high: 15}",
    "{type: int, low: 15, high: 5}",
  );
  const line = reversed.split("\n").findIndex((l) => l.includes("low: 15")) + 1;
  assert.match(
    errorOf(params(reversed).tune("classification", "forest")),
    new RegExp(
      `^params\\.yaml:${line}: tune\\.space\\.forest\\.n_estimators\\.low: low 15 must be below high`,
    ),
  );
  const constant = CLASSIFICATION_PARAMS.replace("strategy: median}", "strategy: constant}");
  assert.match(
    errorOf(params(constant).features()),
    /features\.steps\[0\]\.strategy: strategy "constant" needs a `value`/,
  );
});

test.run();
