import { test } from "uvu";
import * as assert from "uvu/assert";
import { setParams } from "../../src/repro/spec/set-params.js";
import { cli, project, read, removeProjects, runRepro } from "./helpers.js";

// Aligned comments, flow collections, a number spelled with an exponent: what a person's params.yaml looks like.
const PARAMS = `# tuned by hand
data:
  columns: [chas]           # categorical
  drop: []
  tolerance: 1.0e-4         # × the target's std
train:
  lr: 0.1                   # learning rate
  depth: 4
  name: "gbt"
  space:
    depth: {low: 2, high: 8}
  steps:
    - {op: scale}
`;

const PIPELINE = `stages:
  train:
    cmd: cat params.yaml > model.txt
    params: [train, data.columns]
    outs: [model.txt]
  report:
    cmd: cat model.txt > report.txt
    deps: [model.txt]
    params: [train]
    outs: [report.txt]
`;

test.after(removeProjects);

/** The lines of `after` that differ from `before` (both with the same number of lines). */
function changedLines(before: string, after: string): [string, string][] {
  const a = before.split("\n");
  const b = after.split("\n");
  assert.is(b.length, a.length, after);
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index] as string]]));
}

test("setting a value changes only its own text; a following comment keeps its column", () => {
  const dir = project({ "params.yaml": PARAMS });
  const set = setParams(dir, { "train.lr": 0.25, "data.columns": ["chas", "rad"], "train.name": "forest" });
  assert.ok(set.ok);
  assert.equal(changedLines(PARAMS, read(dir, "params.yaml")), [
    ["  columns: [chas]           # categorical", "  columns: [chas, rad]      # categorical"],
    ["  lr: 0.1                   # learning rate", "  lr: 0.25                  # learning rate"],
    ['  name: "gbt"', '  name: "forest"'],
  ]);
});

test("a value set to what it already is leaves the file untouched, number spelling included", () => {
  const dir = project({ "params.yaml": PARAMS });
  const set = setParams(dir, { "data.tolerance": 0.0001 });
  assert.ok(set.ok);
  assert.equal(set.ok && set.value, []);
  assert.is(read(dir, "params.yaml"), PARAMS);
});

test("a block collection set to a new value becomes a flow one on its key's line; a new key joins its mapping", () => {
  const dir = project({ "params.yaml": PARAMS });
  assert.ok(setParams(dir, { "train.steps": [], "train.seed": 7, "train.space.depth.high": 12 }).ok);
  assert.is(
    read(dir, "params.yaml"),
    PARAMS.replace("  steps:\n    - {op: scale}\n", "  steps: []\n  seed: 7\n").replace(
      "high: 8",
      "high: 12",
    ),
  );
});

test("the lock never holds YAML anchors or aliases when stages read the same params section", async () => {
  const dir = project({ "pipeline.yaml": PIPELINE, "params.yaml": PARAMS });
  const run = await runRepro(dir);
  assert.equal(run.ran, ["train", "report"]);
  const lock = read(dir, "pipeline.lock");
  assert.match(lock, /report:[\s\S]*params\.yaml:\n {8}train:\n {10}lr: 0\.1\n/);
  assert.not.match(lock, /[&*][a-z]\d/);
  assert.not.match(lock, /: [&*]/);
});

test("repro -S changes only that value and reruns what reads it; a key no stage reads is refused with exit 2", async () => {
  const dir = project({ "pipeline.yaml": PIPELINE, "params.yaml": PARAMS });
  await runRepro(dir);
  const refused = await cli(dir, ["repro", "-S", "trian.lr=0.5", "-S", "train.lr=0.2"]);
  assert.is(refused.code, 2, refused.output);
  assert.match(
    refused.output,
    /--set-param trian\.lr: no stage reads this params key; stages read: train, data\.columns/,
  );
  const unread = await cli(dir, ["repro", "-S", "data.drop=[1]"]);
  assert.is(unread.code, 2, unread.output);
  assert.is(read(dir, "params.yaml"), PARAMS, "a refused run writes nothing");

  const accepted = await cli(dir, ["repro", "-S", "train.space.depth.low=3"]);
  assert.is(accepted.code, 0, accepted.output);
  assert.equal(changedLines(PARAMS, read(dir, "params.yaml")), [
    ["    depth: {low: 2, high: 8}", "    depth: {low: 3, high: 8}"],
  ]);
  assert.match(accepted.output, /^train +ran/m);
});

test.run();
