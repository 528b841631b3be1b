// The package stage entry point on the small classification dataset, after the real upstream stages: the files it
// writes, determinism across two runs, a clear failure when the trees do not fit the featurizer, and the path on
// to the registry with `tabula models promote`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManifestSchema } from "../../src/artifact/manifest.js";
import { run as tabulaModels } from "../../src/cli/commands/models.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../fixtures/classification.js";
import { Workspace } from "../ml/stages/workspace.js";

const UPSTREAM = [
  "params.yaml",
  "data/raw/churn.csv",
  "data/prepared/train.csv",
  "data/prepared/test.csv",
  "data/prepared/profile.json",
  "data/features/featurizer.json",
  "data/model/trees.json",
  "metrics/tune.json",
  "metrics/evaluate.json",
];
const FILES = [
  "package/model.onnx",
  "package/manifest.json",
  "package/model-card.md",
  "metrics/package.json",
];

async function packagedWorkspace() {
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", CLASSIFICATION_PARAMS);
  await workspace.callAll();
  const summary = await workspace.call("package");
  return { workspace, summary };
}

const first = await packagedWorkspace();

test("package writes the ONNX model, manifest, model card and parity figures", () => {
  const { workspace, summary } = first;
  assert.match(
    summary,
    /^churn [0-9a-f]{12}: \d+ bytes of ONNX; parity on \d+ rows, max \|diff\| \S+, 0 label mismatches; \d+ golden rows$/,
  );
  const manifest = ManifestSchema.parse(workspace.json("package/manifest.json"));
  assert.is(manifest.task, "classification");
  assert.equal(manifest.onnx.outputs, { label: "label", probabilities: "probabilities" });
  assert.equal(manifest.target.classes, ["no", "yes"]);
  assert.equal(manifest.gate, { promote: true, reason: manifest.gate?.reason ?? "" });
  assert.is(
    manifest.features.find((feature) => feature.name === "score")?.nullable,
    true,
    "score is imputed",
  );
  assert.ok(Object.keys(manifest.lineage.inputs).includes("data/model/trees.json"));
  const metrics = workspace.json<{ parity: { passed: boolean; rows: number } }>("metrics/package.json");
  assert.ok(metrics.parity.passed);
  assert.ok(metrics.parity.rows > 10_000);
  assert.match(workspace.read("package/model-card.md"), /^# Model card: churn /);
});

test("a second run elsewhere, on the same inputs, gives byte-identical files", async () => {
  const second = new Workspace();
  for (const file of UPSTREAM) second.write(file, readFileSync(join(first.workspace.dir, file), "utf8"));
  await second.call("package");
  for (const file of FILES)
    assert.ok(
      readFileSync(join(first.workspace.dir, file)).equals(readFileSync(join(second.dir, file))),
      `${file} differs`,
    );
});

test("trees that do not fit the featurizer: the stage fails with the reason and exit code 1", () => {
  const { workspace } = first;
  const trees = workspace.json<{ featureNames: string[] }>("data/model/trees.json");
  writeFileSync(
    join(workspace.dir, "data/model/trees.json"),
    JSON.stringify({ ...trees, featureNames: [...trees.featureNames].reverse() }),
  );
  const result = workspace.run("package");
  assert.is(result.status, 1, result.stderr);
  assert.match(result.stderr, /^package: incompatible: the trees read \[/);
});

test("`tabula models promote` registers the package and makes it production", async () => {
  const { workspace } = first;
  let stdout = "";
  const code = await tabulaModels(["promote"], {
    cwd: workspace.dir,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stdout += text),
  });
  assert.is(code, 0, stdout);
  const version = workspace.json<{ version: string }>("package/manifest.json").version;
  assert.match(stdout, new RegExp(`promoted churn ${version} to production`));
  assert.is(
    workspace.json<{ aliases: { production: string } }>("models/churn/aliases.json").aliases.production,
    version,
  );
});

test.run();
