// biome-ignore-all lint/suspicious/noTemplateCurlyInString: pipeline.yaml text and its messages are full of ${key}
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError, type ReproError } from "../../src/repro/errors.js";
import { loadPipeline } from "../../src/repro/workspace.js";
import { cli, project, read, removeProjects, runRepro, writeFiles } from "./helpers.js";

test.after(removeProjects);

// The shape of the project's own pipeline: the data file and the registry's aliases come from params.yaml.
const PIPELINE = `stages:
  prepare:
    cmd: mkdir -p out && cp \${dataset.path} out/prepared.txt && echo \${split.seed} > out/seed.txt
    deps:
      - \${dataset.path}
    params: [split]
    outs: [out/prepared.txt, out/seed.txt]
  evaluate:
    cmd: cat out/prepared.txt > \${reports}/evaluate.json
    deps:
      - out/prepared.txt
      - path: \${registry.dir}/\${registry.name}/aliases.json
        optional: true
    metrics:
      - \${reports}/evaluate.json
    plots: ["\${reports}/plot-\${split.seed}.json"]
vars:
  - reports: metrics
`;
const PARAMS = `dataset:
  path: data/a.csv
split:
  seed: 42
registry:
  dir: models
  name: first
`;

function toy(): string {
  const dir = project({
    "pipeline.yaml": PIPELINE.replace(
      "cat out/prepared.txt > ${reports}/evaluate.json",
      "mkdir -p metrics && cat out/prepared.txt > metrics/evaluate.json && echo '{}' > metrics/plot-42.json",
    ),
    "params.yaml": PARAMS,
    "data/a.csv": '{"a": 1}\n',
    "data/b.csv": '{"b": 2}\n',
  });
  return dir;
}

async function loadError(pipeline: string, files: Record<string, string> = {}): Promise<ReproError> {
  const dir = project({ "pipeline.yaml": pipeline, "params.yaml": PARAMS, "data/a.csv": "a\n", ...files });
  const loaded = await loadPipeline(dir);
  if (loaded.ok) throw new Error("expected the pipeline to be rejected");
  return loaded.error;
}

test("${...} resolves in cmd, deps, outs, metrics and plots from params.yaml and vars", async () => {
  const dir = project({ "pipeline.yaml": PIPELINE, "params.yaml": PARAMS, "data/a.csv": "a\n" });
  const loaded = await loadPipeline(dir);
  assert.ok(loaded.ok, loaded.ok ? "" : formatError(loaded.error));
  if (!loaded.ok) return;
  const prepare = loaded.value.pipeline.byName.get("prepare");
  assert.is(prepare?.cmd, "mkdir -p out && cp data/a.csv out/prepared.txt && echo 42 > out/seed.txt");
  assert.equal(
    prepare?.deps.map((dep) => dep.path),
    ["data/a.csv"],
  );
  const evaluate = loaded.value.pipeline.byName.get("evaluate");
  assert.equal(evaluate?.deps[1], {
    path: "models/first/aliases.json",
    optional: true,
    at: { file: "pipeline.yaml", line: 12, column: 15 },
  });
  assert.equal(
    evaluate?.outputs.map((output) => [output.path, output.kind]),
    [
      ["metrics/evaluate.json", "metric"],
      ["metrics/plot-42.json", "plot"],
    ],
  );
  assert.equal(
    prepare?.vars.map((ref) => `${ref.file}:${ref.key}`),
    ["params.yaml:dataset.path", "params.yaml:split.seed"],
  );
  assert.equal(
    evaluate?.vars.map((ref) => `${ref.file}:${ref.key}`),
    [
      "pipeline.yaml:reports",
      "params.yaml:registry.dir",
      "params.yaml:registry.name",
      "params.yaml:split.seed",
    ],
  );
});

test("the lock, status and dag show resolved values; a changed resolved path reruns its stage", async () => {
  const dir = toy();
  const first = await runRepro(dir);
  assert.ok(first.result.ok, first.result.ok ? "" : formatError(first.result.error));
  assert.equal(first.ran, ["prepare", "evaluate"]);
  const lock = read(dir, "pipeline.lock");
  assert.match(lock, /cmd: mkdir -p out && cp data\/a\.csv out\/prepared\.txt && echo 42 > out\/seed\.txt\n/);
  assert.match(lock, /deps:\n {6}- path: data\/a\.csv\n/);
  assert.not.match(lock, /\$\{/);
  assert.not.match(lock, /aliases\.json/, "an absent optional dep is not in the lock");
  assert.equal(
    (await runRepro(dir)).ran,
    [],
    "nothing changed: nothing runs (the absent optional dep included)",
  );

  writeFiles(dir, { "params.yaml": PARAMS.replace("data/a.csv", "data/b.csv") });
  const status = await cli(dir, ["status"]);
  assert.match(status.output, /new dependency data\/b\.csv/);
  assert.match(status.output, /dependency data\/a\.csv was removed from the stage/);
  assert.match(
    status.output,
    /cmd changed: "mkdir -p out && cp data\/a\.csv .*" → "mkdir -p out && cp data\/b\.csv/,
  );
  const dag = await cli(dir, ["dag"]);
  assert.is(dag.output, "prepare\n└─▶ evaluate\n");
  const run = await runRepro(dir);
  assert.equal(run.ran, ["prepare", "evaluate"]);
  assert.is(read(dir, "out/prepared.txt"), '{"b": 2}\n');
});

test("a new registry name needs no file: the absent aliases are hashed as absent, and creating or changing them reruns the gate", async () => {
  const dir = toy();
  await runRepro(dir);
  writeFiles(dir, { "params.yaml": PARAMS.replace("name: first", "name: second") });
  const renamed = await runRepro(dir);
  assert.ok(renamed.result.ok, renamed.result.ok ? "" : formatError(renamed.result.error));
  assert.equal(renamed.ran, [], "the aliases path changed, but it is absent before and after");

  mkdirSync(join(dir, "models/second"), { recursive: true });
  writeFileSync(join(dir, "models/second/aliases.json"), '{"production": 1}\n');
  const why = await cli(dir, ["why", "evaluate"]);
  assert.match(why.output, /new dependency models\/second\/aliases\.json/);
  const created = await runRepro(dir);
  assert.equal(created.ran, ["evaluate"]);
  assert.match(read(dir, "pipeline.lock"), /path: models\/second\/aliases\.json/);

  writeFileSync(join(dir, "models/second/aliases.json"), '{"production": 2}\n');
  assert.equal((await runRepro(dir)).ran, ["evaluate"], "a promotion reruns the gate");
});

test("-S accepts a key a stage reads only through ${...}, and refuses one nothing reads", async () => {
  const dir = toy();
  await runRepro(dir);
  const dry = await runRepro(dir, { dry: true, setParams: { "dataset.path": "data/b.csv" } });
  const wouldRun = dry.outcomes.get("prepare");
  assert.equal(
    wouldRun?.kind === "would-run" && wouldRun.reasons.map((reason) => reason.kind),
    ["cmd-changed", "dep-added", "dep-removed"],
    "--dry resolves the pipeline with the params it would set",
  );
  assert.is(read(dir, "params.yaml"), PARAMS, "--dry writes nothing");
  const accepted = await runRepro(dir, { setParams: { "dataset.path": "data/b.csv" } });
  assert.equal(accepted.ran, ["prepare", "evaluate"]);
  assert.match(read(dir, "params.yaml"), /path: data\/b\.csv/);
  const refused = await runRepro(dir, { setParams: { "dataset.target": "y" } });
  assert.ok(!refused.result.ok);
  if (!refused.result.ok)
    assert.is(
      formatError(refused.result.error),
      "--set-param dataset.target: no stage reads this params key; stages read: split, dataset.path, split.seed, registry.dir, registry.name",
    );
});

test("vars: a params file, some keys of one, and inline mappings; a key defined twice is an error", async () => {
  const pipeline = `vars:
  - other.yaml
  - more.yaml:model
  - {suffix: txt}
stages:
  a:
    cmd: echo \${train.lr} \${model.type} > a.\${suffix}
    outs:
      - a.\${suffix}
`;
  const files = {
    "other.yaml": "train:\n  lr: 0.5\n",
    "more.yaml": "model:\n  type: gbt\nunused: [1]\n",
  };
  const dir = project({ "pipeline.yaml": pipeline, ...files });
  const loaded = await loadPipeline(dir);
  assert.ok(loaded.ok, loaded.ok ? "" : formatError(loaded.error));
  assert.is(loaded.ok && loaded.value.pipeline.stages[0]?.cmd, "echo 0.5 gbt > a.txt");

  const twice = await loadError(pipeline.replace("more.yaml:model", "more.yaml"), {
    ...files,
    "more.yaml": "train: {lr: 1}\n",
  });
  assert.is(
    formatError(twice),
    'pipeline.yaml:3:5: vars: "train" is defined in both other.yaml and more.yaml',
  );
  const missing = await loadError(pipeline, { "other.yaml": "train:\n  lr: 0.5\n" });
  assert.is(formatError(missing), 'pipeline.yaml:3:5: vars file "more.yaml" does not exist');
});

test("an unknown key or a non-scalar value is an error at its line and column; \\${ is a literal", async () => {
  const unknown = await loadError(
    "stages:\n  a:\n    cmd: echo\n    deps:\n      - data/a.csv\n      - x/${dataset.pth}\n",
  );
  assert.is(
    formatError(unknown),
    'pipeline.yaml:6:11: stage "a": ${dataset.pth}: no "dataset.pth"; "dataset" has: path',
  );
  const top = await loadError("stages:\n  a:\n    cmd: [echo ok, 'echo ${nope}']\n");
  assert.is(
    formatError(top),
    'pipeline.yaml:3:26: stage "a": ${nope}: no "nope" in params.yaml; known: dataset, split, registry',
  );
  const mapping = await loadError("stages:\n  a:\n    cmd: echo ${registry}\n");
  assert.is(
    formatError(mapping),
    'pipeline.yaml:3:15: stage "a": ${registry} is a mapping; only strings, numbers and booleans can be interpolated',
  );
  const dir = project({
    "pipeline.yaml": "stages:\n  a:\n    cmd: echo '\\${HOME}' ${split.seed}\n",
    "params.yaml": PARAMS,
  });
  const loaded = await loadPipeline(dir);
  assert.is(loaded.ok && loaded.value.pipeline.stages[0]?.cmd, "echo '${HOME}' 42");
});

test("the cached spec is resolved again when params.yaml changes", async () => {
  const dir = project({
    "pipeline.yaml": "stages:\n  a:\n    cmd: echo ${split.seed}\n",
    "params.yaml": PARAMS,
  });
  const first = await loadPipeline(dir);
  assert.is(first.ok && first.value.pipeline.stages[0]?.cmd, "echo 42");
  writeFiles(dir, { "params.yaml": PARAMS.replace("42", "43") });
  const second = await loadPipeline(dir);
  assert.is(second.ok && second.value.pipeline.stages[0]?.cmd, "echo 43");
});

test.run();
