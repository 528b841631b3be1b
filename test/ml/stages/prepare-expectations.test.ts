// prepare runs the params.yaml expectations suite on the raw data: a failing `error` check stops the stage (exit 1,
// every failure listed, no split written) while the checks files are still written; a failing `warn` check is
// printed and the stage goes on; a rule that does not parse is a params.yaml:LINE error.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { DataChecksMetrics } from "../../../src/ml/data/expectations/checks-report.js";
import { Workspace } from "./workspace.js";

function csv(): string {
  const lines = ["id,x,y"];
  for (let i = 0; i < 40; i++) lines.push(`${i % 38},${i},${i * 2}`);
  return `${lines.join("\n")}\n`;
}

function params(expectations: string[]): string {
  return [
    "dataset:",
    "  path: data/raw/d.csv",
    "  target: y",
    "  task: regression",
    "split: {test_size: 0.25, seed: 1}",
    "expectations:",
    ...expectations.map((line) => `  - ${line}`),
    "",
  ].join("\n");
}

test("a failing error expectation stops prepare and lists each failure; warn failures are printed", () => {
  const workspace = new Workspace()
    .write("data/raw/d.csv", csv())
    .write(
      "params.yaml",
      params([
        "{row_count: {min: 10}}",
        "{row_count: {min: 100}, name: enough rows}",
        "{unique: id}",
        '{rule: "x < 30", severity: warn}',
      ]),
    );
  const run = workspace.run("prepare");
  assert.is(run.status, 1);
  assert.match(run.stderr, /2 of 4 expectations failed/);
  assert.match(run.stderr, /- enough rows: observed 40, expected >= 100/);
  assert.match(run.stderr, /- unique id: observed 2/);
  assert.match(run.stderr, /warning: rule x < 30: observed 0\.75, expected >= 1 of rows: 10 rows break it/);
  assert.not.ok(existsSync(join(workspace.dir, "data/prepared/train.csv")));
  const checks = workspace.json<DataChecksMetrics>("metrics/data-checks.json");
  assert.equal(checks.summary, { passed: 1, warned: 1, failed: 2, skipped: 0 });
  assert.is(checks.checks["enough rows"]?.status, "fail");
  assert.match(
    workspace.read("metrics/data-checks.html"),
    /<td>enough rows<\/td><td>error<\/td><td>fail<\/td>/,
  );
});

test("passing and warn-only suites let prepare write its split; the drift check compares with the last profile", () => {
  const workspace = new Workspace()
    .write("data/raw/d.csv", csv())
    .write(
      "params.yaml",
      params(['{rule: "x < 30", severity: warn}', "{drift: {max_drifted_share: 0}, severity: warn}"]),
    );
  const first = workspace.run("prepare");
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, /checks: 0 passed, 1 warned/);
  assert.is(workspace.json<DataChecksMetrics>("metrics/data-checks.json").checks.drift?.status, "skipped");
  const second = workspace.run("prepare");
  assert.is(second.status, 0, second.stderr);
  assert.is(workspace.json<DataChecksMetrics>("metrics/data-checks.json").checks.drift?.status, "pass");
});

test("a rule that does not parse is reported at its params.yaml line", () => {
  const run = new Workspace()
    .write("data/raw/d.csv", csv())
    .write("params.yaml", params(["{row_count: {min: 1}}", '{rule: "x"}']))
    .run("prepare");
  assert.is(run.status, 1);
  assert.match(run.stderr, /params\.yaml:8: expectations\[1\]\.rule: "x" is not a comparison/);
});

test.run();
