// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pipeline.yaml text and its messages are full of ${key}
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError, type ReproError } from "../../src/repro/errors.js";
import { loadPipeline } from "../../src/repro/workspace.js";
import { cli, project, read, removeProjects, runRepro, writeFiles } from "./helpers.js";

test.after(removeProjects);

// prepare → tune@forest, tune@gbt (foreach over a params list) → compare; and a matrix beside them.
const PIPELINE = `stages:
  prepare:
    cmd: echo rows > prepared.txt
    outs: [prepared.txt]
  tune:
    foreach: \${models}
    do:
      cmd: mkdir -p metrics && printf '{"score":%s}' \${tune.score} > metrics/tune-\${item}.json
      deps: [prepared.txt]
      params:
        - tune.score
        - space.\${item}
      metrics:
        - metrics/tune-\${item}.json
  compare:
    cmd: cat metrics/tune-forest.json metrics/tune-gbt.json > compare.txt
    deps: [metrics]
    outs: [compare.txt]
  fold:
    matrix:
      model: \${models}
      k: [1, 2]
    cmd: echo \${item.model} \${item.k} > fold-\${item.model}-\${item.k}.txt
    outs:
      - fold-\${item.model}-\${item.k}.txt
`;
const PARAMS =
  "models: [forest, gbt]\ntune:\n  score: 1\nspace:\n  forest: {trees: 10}\n  gbt: {rounds: 5}\n";

function toy(): string {
  return project({ "pipeline.yaml": PIPELINE, "params.yaml": PARAMS });
}

async function loadError(pipeline: string, params = PARAMS): Promise<ReproError> {
  const loaded = await loadPipeline(project({ "pipeline.yaml": pipeline, "params.yaml": params }));
  if (loaded.ok) throw new Error("expected the pipeline to be rejected");
  return loaded.error;
}

test("foreach and matrix generate stages named group@key with their values resolved", async () => {
  const loaded = await loadPipeline(toy());
  assert.ok(loaded.ok, loaded.ok ? "" : formatError(loaded.error));
  if (!loaded.ok) return;
  const { pipeline, graph } = loaded.value;
  assert.equal(
    pipeline.stages.map((stage) => stage.name),
    [
      "prepare",
      "tune@forest",
      "tune@gbt",
      "compare",
      "fold@forest-1",
      "fold@forest-2",
      "fold@gbt-1",
      "fold@gbt-2",
    ],
  );
  const gbt = pipeline.byName.get("tune@gbt");
  assert.is(gbt?.group, "tune");
  assert.is(gbt?.cmd, `mkdir -p metrics && printf '{"score":%s}' 1 > metrics/tune-gbt.json`);
  assert.equal(
    gbt?.outputs.map((output) => output.path),
    ["metrics/tune-gbt.json"],
  );
  assert.equal(
    gbt?.params.map((param) => param.key),
    ["tune.score", "space.gbt"],
  );
  assert.is(pipeline.byName.get("fold@gbt-2")?.cmd, "echo gbt 2 > fold-gbt-2.txt");
  assert.equal(graph.upstream.get("compare"), ["tune@forest", "tune@gbt"]);
});

test("dag, status, why, repro and exp show name the generated stages; the group's name targets all of them", async () => {
  const dir = toy();
  const dag = await cli(dir, ["dag"]);
  assert.match(
    dag.output,
    /^prepare\n├─▶ tune@forest\n└─▶ tune@gbt\n {4}└─▶ compare {2}\(also after tune@forest\)\n/,
  );
  assert.match(dag.output, /^fold@gbt-2$/m);

  const group = await runRepro(dir, { stages: ["tune"] });
  assert.equal(group.ran, ["prepare", "tune@forest", "tune@gbt"]);
  assert.match(read(dir, "pipeline.lock"), /\n {2}tune@forest:\n {4}cmd: mkdir -p metrics && printf/);

  const status = await cli(dir, ["status"]);
  assert.match(status.output, /^tune@gbt +up to date$/m);
  assert.match(status.output, /^fold@forest-1 +stale$/m);

  const repro = await cli(dir, ["repro"]);
  assert.is(repro.code, 0, repro.output);
  assert.is(read(dir, "compare.txt"), '{"score":1}{"score":1}');
  assert.is(read(dir, "fold-forest-2.txt"), "forest 2\n");

  writeFiles(dir, { "params.yaml": PARAMS.replace("score: 1", "score: 2") });
  const why = await cli(dir, ["why", "tune@forest"]);
  assert.match(why.output, /^tune@forest runs because:\n {2}- cmd changed: .*tune-forest\.json"\n/);
  assert.match(why.output, /^ {2}- param tune\.score \(params\.yaml\): 1 → 2$/m);
  const single = await cli(dir, ["repro", "-s", "tune@forest"]);
  assert.match(single.output, /^tune@forest +ran/m);
  assert.not.match(single.output, /tune@gbt/);

  await cli(dir, ["repro"]);
  const show = await cli(dir, ["exp", "show", "--csv", "-a"]);
  assert.is(show.code, 0, show.output);
  assert.match(show.output, /metrics\/tune-forest\.json:score/);
  assert.match(show.output, /metrics\/tune-gbt\.json:score/);
});

test("foreach over a mapping gives ${key} and ${item}; over a list of mappings, stages are named by index", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  train:
    foreach:
      small: {trees: 10}
      large: {trees: 500}
    do:
      cmd: echo \${key} \${item.trees} > \${key}.txt
      outs: ["\${key}.txt"]
  score:
    foreach:
      - {name: a, seed: 1}
      - {name: b, seed: 2}
    do:
      cmd: echo \${item.name} \${item.seed}
`,
  });
  const loaded = await loadPipeline(dir);
  assert.ok(loaded.ok, loaded.ok ? "" : formatError(loaded.error));
  if (!loaded.ok) return;
  assert.equal(
    loaded.value.pipeline.stages.map((stage) => `${stage.name}: ${stage.cmd}`),
    [
      "train@small: echo small 10 > small.txt",
      "train@large: echo large 500 > large.txt",
      "score@0: echo a 1",
      "score@1: echo b 2",
    ],
  );
});

test("a foreach that is not a list or mapping, an empty matrix, a name generated twice and a bad key are errors with their place", async () => {
  const scalar = await loadError("stages:\n  t:\n    foreach: ${tune.score}\n    do:\n      cmd: echo\n");
  assert.is(
    formatError(scalar),
    'pipeline.yaml:3:14: stage "t": foreach must be a list or a mapping (or ${key} naming one)',
  );
  const empty = await loadError("stages:\n  t:\n    matrix:\n      a: []\n    cmd: echo\n");
  assert.is(
    formatError(empty),
    'pipeline.yaml:4:10: stage "t": matrix.a must be a non-empty list (or ${key} naming one)',
  );
  const twice = await loadError("stages:\n  t:\n    foreach: [a, a]\n    do:\n      cmd: echo ${item}\n");
  assert.is(formatError(twice), 'pipeline.yaml:2:3: stage "t": "t@a" would be generated twice');
  const unknown = await loadError("stages:\n  t:\n    foreach: ${modles}\n    do:\n      cmd: echo\n");
  assert.is(
    formatError(unknown),
    'pipeline.yaml:3:14: stage "t": ${modles}: no "modles" in params.yaml; known: models, tune, space',
  );
  const badKey = await loadError(
    "stages:\n  t:\n    foreach: [a]\n    do:\n      cmd: echo\n      dep: [x]\n",
  );
  assert.match(
    formatError(badKey),
    /^pipeline\.yaml:6:7: stage "t": unknown key "dep"; allowed keys: cmd, desc, deps/,
  );
  const noDo = await loadError("stages:\n  t:\n    foreach: [a]\n    cmd: echo\n");
  assert.is(
    formatError(noDo),
    'pipeline.yaml:2:3: stage "t": a foreach stage needs both foreach (the values) and do (the stage to repeat for each)',
  );
  const inItem = await loadError("stages:\n  t:\n    foreach: [a]\n    do:\n      cmd: echo ${item.x}\n");
  assert.match(formatError(inItem), /^pipeline\.yaml:5:17: stage "t@a": \$\{item\.x\}: no "item\.x"/);
});

test.run();
