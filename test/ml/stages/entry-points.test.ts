// The stage programs as the engine runs them: a summary line on success, and on bad input one line on stderr
// naming the place to fix (column and row for data, file:line for params) with exit code 1.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { Workspace } from "./workspace.js";

test("prepare rejects an impossible value, naming the column, row and line", () => {
  const lines = classificationCsv(40).split("\n");
  // Data row 7 is on line 8; age is the second column.
  const cells = (lines[7] as string).split(",");
  cells[1] = "250";
  lines[7] = cells.join(",");
  const workspace = new Workspace()
    .write("data/raw/churn.csv", lines.join("\n"))
    .write("params.yaml", CLASSIFICATION_PARAMS);
  const run = workspace.run("prepare");
  assert.is(run.status, 1);
  assert.is(run.stdout, "");
  assert.is(
    run.stderr,
    'prepare: data/raw/churn.csv, column "age", row 7, line 8: 250 is above the maximum 120\n',
  );
});

test("featurize rejects a bad expression at its params.yaml line; prepare's summary is one line", () => {
  const params = CLASSIFICATION_PARAMS.replace('expr: "income / (age - 17)"', 'expr: "income / (age - 17"');
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", params);
  const prepared = workspace.run("prepare");
  assert.is(prepared.status, 0);
  assert.match(
    prepared.stdout,
    /^prepare: 240 rows of data\/raw\/churn\.csv → 180 train, 60 test; 5 features \(\d+\.\d s\)\n$/,
  );
  const run = workspace.run("featurize");
  assert.is(run.status, 1);
  const line = params.split("\n").findIndex((text) => text.includes("income / (age - 17")) + 1;
  assert.match(
    run.stderr,
    new RegExp(
      `^featurize: params\\.yaml:${line}: features\\.steps\\[3\\]\\.expr: "\\(" at column 10 is never closed`,
    ),
  );
});

test.run();
