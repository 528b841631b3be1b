// A user mistake found deep inside a stage (a learner refusing its params or its data) prints one line naming what
// to fix, with its params.yaml line where it has one, and exits 1; a stack trace is for bugs only.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { type StageRun, Workspace } from "./workspace.js";

const STACK_LINE = /^ {4}at /m;

function assertUserMistake(run: StageRun, message: RegExp): void {
  assert.is(run.status, 1, run.stderr);
  assert.match(run.stderr, message);
  assert.not.match(run.stderr, STACK_LINE);
  assert.not.match(run.stderr, /internal error/);
}

test("a param that does not fit the data names its params.yaml line and key", () => {
  const params = CLASSIFICATION_PARAMS.replace(
    "  type: forest\n  seed: 1\n  threads: 1\n  params: {}",
    "  type: ml-random-forest\n  seed: 1\n  threads: 1\n  params:\n    max_features: 50",
  ).replace(
    "    forest:\n",
    "    ml-random-forest:\n      n_estimators: {type: int, low: 3, high: 6}\n    forest:\n",
  );
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", params);
  for (const stage of ["prepare", "featurize"]) assert.is(workspace.run(stage).status, 0, stage);
  const line = params.split("\n").indexOf("    max_features: 50") + 1;
  assertUserMistake(
    workspace.run("tune"),
    new RegExp(
      `^tune: params\\.yaml:${line}: model\\.params\\.max_features: 50 asks for more features than the data has \\(\\d+\\)\\n$`,
    ),
  );
});

test("a training set a learner cannot fit (one class) is a message, not a crash", () => {
  const csv = classificationCsv().replace(/,yes$/gm, ",no");
  const params = CLASSIFICATION_PARAMS.replace('    churn: {allowed: ["yes", "no"]}\n', "").replace(
    "  stratify: true",
    "  stratify: false",
  );
  const workspace = new Workspace().write("data/raw/churn.csv", csv).write("params.yaml", params);
  for (const stage of ["prepare", "featurize"]) {
    const run = workspace.run(stage);
    assert.is(run.status, 0, `${stage}: ${run.stderr}`);
  }
  assertUserMistake(
    workspace.run("tune"),
    /^tune: training set: classification needs the list of classes, at least 2 \(got \["no"\]\)\n$/,
  );
});

test("more CV folds than training rows is a params.yaml mistake at tune.folds", () => {
  const params = CLASSIFICATION_PARAMS.replace("  folds: 3\n", "  folds: 500\n");
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", params);
  for (const stage of ["prepare", "featurize"]) assert.is(workspace.run(stage).status, 0, stage);
  const line = params.split("\n").indexOf("  folds: 500") + 1;
  assertUserMistake(
    workspace.run("tune"),
    new RegExp(
      `^tune: params\\.yaml:${line}: tune\\.folds: 500 folds need at least as many training rows \\(180\\)\\n$`,
    ),
  );
});

test("train names metrics/tune.json when the tuned params it holds do not parse", () => {
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", CLASSIFICATION_PARAMS);
  for (const stage of ["prepare", "featurize", "tune"]) {
    const run = workspace.run(stage);
    assert.is(run.status, 0, `${stage}: ${run.stderr}`);
  }
  const tuned = workspace.json<{ params: Record<string, unknown> }>("metrics/tune.json");
  workspace.write(
    "metrics/tune.json",
    JSON.stringify({ ...tuned, params: { ...tuned.params, max_depth: -1 } }),
  );
  assertUserMistake(
    workspace.run("train"),
    /^train: metrics\/tune\.json: invalid params for model type "forest": max_depth: .+\n$/,
  );
});

test.run();
