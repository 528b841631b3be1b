import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("the raw dataset is committed with its header", () => {
  const [header] = readFileSync("data/raw/boston.csv", "utf8").split(/\r?\n/);
  assert.ok(header?.includes("cmedv"), "the target column is present");
  assert.not.ok(header?.split(",").includes("medv"), "the leaking column is dropped");
});

test.run();
