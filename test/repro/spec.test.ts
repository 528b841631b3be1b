import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError, type ReproError } from "../../src/repro/errors.js";
import { loadPipeline } from "../../src/repro/workspace.js";
import { project, removeProjects } from "./helpers.js";

async function loadError(pipeline: string, files: Record<string, string> = {}): Promise<ReproError> {
  const dir = project({
    "pipeline.yaml": pipeline,
    "params.yaml": "train:\n  lr: 0.1\n",
    "in.txt": "x\n",
    ...files,
  });
  const loaded = await loadPipeline(dir);
  if (loaded.ok) throw new Error("expected the pipeline to be rejected");
  return loaded.error;
}

test.after(removeProjects);

test("a valid pipeline loads with its stages in file order and its graph", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  b:
    cmd: [cp a.txt b.txt, echo done]
    deps: [a.txt]
    outs: [b.txt]
  a:
    cmd: cp in.txt a.txt
    deps: [in.txt]
    params: [train.lr, {other.yaml: [x.y]}]
    outs: [./a.txt]
    metrics: [m.json]
    plots: [plots/]
    desc: first
    frozen: false
    always_changed: false
`,
    "params.yaml": "train:\n  lr: 0.1\n",
    "other.yaml": "x:\n  y: [1, 2]\n",
    "in.txt": "x\n",
  });
  const loaded = await loadPipeline(dir);
  assert.ok(loaded.ok, loaded.ok ? "" : formatError(loaded.error));
  if (!loaded.ok) return;
  const { pipeline, graph } = loaded.value;
  assert.equal(
    pipeline.stages.map((stage) => stage.name),
    ["b", "a"],
  );
  assert.equal(graph.order, ["a", "b"]);
  const a = pipeline.byName.get("a");
  assert.equal(
    a?.outputs.map((o) => [o.path, o.kind]),
    [
      ["a.txt", "out"],
      ["m.json", "metric"],
      ["plots", "plot"],
    ],
  );
  assert.equal(
    a?.params.map((p) => `${p.file}:${p.key}`),
    ["params.yaml:train.lr", "other.yaml:x.y"],
  );
  assert.equal(pipeline.byName.get("b")?.commands, ["cp a.txt b.txt", "echo done"]);
});

test("invalid YAML names the file, line and column", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n   deps: [x]\n");
  assert.is(error.kind, "yaml-syntax");
  assert.match(formatError(error), /^pipeline\.yaml:4:\d+: invalid YAML/);
});

test("a duplicate stage name is a YAML error at the second one", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo 1\n  a:\n    cmd: echo 2\n");
  assert.is(error.kind, "yaml-syntax");
  assert.match(formatError(error), /^pipeline\.yaml:4:3: invalid YAML: Map keys must be unique/);
});

test("an unknown key names the stage, the key and the allowed keys", async () => {
  const error = await loadError("stages:\n  train:\n    cmd: echo\n    dep: [in.txt]\n");
  assert.is(error.kind, "invalid-pipeline");
  assert.is(
    formatError(error),
    'pipeline.yaml:4:5: stage "train": unknown key "dep"; allowed keys: cmd, desc, deps, params, outs, metrics, plots, always_changed, frozen',
  );
});

test("an unknown top-level key is rejected", async () => {
  const error = await loadError("stage:\n  train:\n    cmd: echo\nstages: {}\n");
  assert.is(formatError(error), 'pipeline.yaml:1:1: unknown key "stage"; allowed keys: stages, vars, remote');
});

test("a wrong type says what was expected and what was found", async () => {
  const error = await loadError("stages:\n  train:\n    cmd: echo\n    outs: model.json\n");
  assert.is(
    formatError(error),
    'pipeline.yaml:4:11: stage "train": outs must be a list, not string "model.json"',
  );
  const cmd = await loadError("stages:\n  train:\n    cmd: 3\n");
  assert.is(formatError(cmd), 'pipeline.yaml:3:10: stage "train": cmd must be a string or a list of strings');
  const frozen = await loadError("stages:\n  train:\n    cmd: echo\n    frozen: yes please\n");
  assert.match(formatError(frozen), /^pipeline\.yaml:4:13: stage "train": frozen must be true or false/);
});

test("a missing cmd is reported at the stage", async () => {
  const error = await loadError("stages:\n  train:\n    deps: [in.txt]\n");
  assert.match(formatError(error), /^pipeline\.yaml:3:5: stage "train": /);
});

test("a cycle names its stages and where it closes", async () => {
  const error = await loadError(`stages:
  a:
    cmd: cp c.txt a.txt
    deps: [c.txt]
    outs: [a.txt]
  b:
    cmd: cp a.txt b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: cp b.txt c.txt
    deps: [b.txt]
    outs: [c.txt]
`);
  assert.is(error.kind, "cycle");
  assert.is(formatError(error), "pipeline.yaml:4:12: the stages form a cycle: a → b → c → a");
});

test("a stage depending on its own output is a cycle", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n    deps: [data]\n    outs: [data/x.txt]\n");
  assert.is(formatError(error), "pipeline.yaml:4:12: the stages form a cycle: a → a");
});

test("two stages writing the same output, or one inside the other, are rejected", async () => {
  const same = await loadError(`stages:
  a:
    cmd: echo a > out.txt
    outs: [out.txt]
  b:
    cmd: echo b > out.txt
    metrics: [out.txt]
`);
  assert.is(same.kind, "overlapping-outs");
  assert.is(
    formatError(same),
    'pipeline.yaml:7:15: stage "b": output "out.txt" is also an output of stage "a"',
  );
  const nested = await loadError(`stages:
  a:
    cmd: mkdir -p data
    outs: [data]
  b:
    cmd: echo b > data/b.txt
    outs: [data/b.txt]
`);
  assert.is(
    formatError(nested),
    'pipeline.yaml:7:12: stage "b": output "data/b.txt" overlaps output "data" of stage "a"',
  );
});

test("a dep that does not exist and that no stage produces is rejected", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n    deps: [in.txt, nowhere.csv]\n");
  assert.is(error.kind, "missing-dep");
  assert.is(
    formatError(error),
    'pipeline.yaml:4:20: stage "a": dependency "nowhere.csv" does not exist and no stage produces it',
  );
});

test("a dep inside another stage's output directory is an edge, not a missing dep", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  use:
    cmd: cat data/x.txt
    deps: [data/x.txt]
  make:
    cmd: mkdir -p data && echo 1 > data/x.txt
    outs: [data]
`,
  });
  const loaded = await loadPipeline(dir);
  assert.ok(loaded.ok);
  if (loaded.ok) assert.equal(loaded.value.graph.order, ["make", "use"]);
});

test("a params key missing from params.yaml is rejected where it is named", async () => {
  const error = await loadError(
    "stages:\n  a:\n    cmd: echo\n    params:\n      - train.lr\n      - train.depth\n",
  );
  assert.is(error.kind, "missing-param");
  assert.is(
    formatError(error),
    'pipeline.yaml:6:9: stage "a": params key "train.depth" is missing from params.yaml',
  );
});

test("a missing params file is rejected", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n    params:\n      - tune.yaml: [trials]\n");
  assert.is(error.kind, "missing-params-file");
  assert.match(
    formatError(error),
    /^pipeline\.yaml:5:21: stage "a": params file "tune\.yaml" does not exist/,
  );
});

test("invalid YAML in params.yaml names params.yaml", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n    params: [train.lr]\n", {
    "params.yaml": "train:\n  lr: [0.1\n",
  });
  assert.is(error.kind, "yaml-syntax");
  assert.match(formatError(error), /^params\.yaml:\d+:\d+: invalid YAML/);
});

test("paths outside the pipeline directory are rejected", async () => {
  const error = await loadError("stages:\n  a:\n    cmd: echo\n    outs: [../elsewhere.txt]\n");
  assert.is(
    formatError(error),
    'pipeline.yaml:4:12: stage "a": path "../elsewhere.txt" is outside the pipeline\'s directory',
  );
  const absolute = await loadError("stages:\n  a:\n    cmd: echo\n    deps: [/etc/passwd]\n");
  assert.match(formatError(absolute), /must be relative to the pipeline's directory/);
});

test("a stage name that cannot be a file name is rejected", async () => {
  const error = await loadError('stages:\n  "a/b":\n    cmd: echo\n');
  assert.match(formatError(error), /^pipeline\.yaml:2:3: stage "a\/b": stage names may contain only/);
});

test("no pipeline.yaml is its own error", async () => {
  const dir = project({});
  const loaded = await loadPipeline(dir);
  assert.is(loaded.ok ? "" : loaded.error.kind, "pipeline-not-found");
});

test("the parsed spec is cached, and an edit to pipeline.yaml is seen", async () => {
  const dir = project({ "pipeline.yaml": "stages:\n  a:\n    cmd: echo 1\n" });
  const first = await loadPipeline(dir);
  assert.ok(first.ok);
  const second = await loadPipeline(dir);
  assert.equal(second.ok && second.value.pipeline.stages[0]?.commands, ["echo 1"]);
  const { writeFileSync } = await import("node:fs");
  // Same size, same second: the racy rule must still notice.
  writeFileSync(`${dir}/pipeline.yaml`, "stages:\n  a:\n    cmd: echo 2\n");
  const third = await loadPipeline(dir);
  assert.equal(third.ok && third.value.pipeline.stages[0]?.commands, ["echo 2"]);
});

test.run();
