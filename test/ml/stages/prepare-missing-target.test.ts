// prepare with dataset.missing_target: drop, through the real stage body: the summary line and the profile say how
// many unlabeled rows were left out; with the default, the error names the option.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProfileSchema } from "../../../src/ml/data/profile.js";
import { Workspace } from "./workspace.js";

function csv(): string {
  const lines = ["x,y"];
  for (let i = 0; i < 40; i++) lines.push(`${i},${i % 7 === 3 ? "" : i * 2}`);
  return `${lines.join("\n")}\n`;
}

function params(missingTarget?: string): string {
  return [
    "dataset:",
    "  path: data/raw/d.csv",
    "  target: y",
    "  task: regression",
    ...(missingTarget ? [`  missing_target: ${missingTarget}`] : []),
    "split: {test_size: 0.25, seed: 1}",
    "",
  ].join("\n");
}

test("missing_target: drop drops the unlabeled rows, prints and profiles how many", async () => {
  const workspace = new Workspace().write("data/raw/d.csv", csv()).write("params.yaml", params("drop"));
  const summary = await workspace.call("prepare");
  assert.match(
    summary,
    /^34 rows of data\/raw\/d\.csv, 6 dropped for a missing target \(dataset\.missing_target: drop\) → 25 train, 9 test; 1 features$/,
  );
  const profile = ProfileSchema.parse(workspace.json("data/prepared/profile.json"));
  assert.is(profile.droppedMissingTarget, 6);
  assert.is(profile.target.missing, 0);
});

test("by default a missing target fails the stage with the option to set", () => {
  const run = new Workspace().write("data/raw/d.csv", csv()).write("params.yaml", params()).run("prepare");
  assert.is.not(run.status, 0);
  assert.match(run.stderr, /column "y", row 4, line 5: missing value; .*dataset\.missing_target: drop/);
});

test.run();
