// The champion gate: decisions both ways, reading the registry, and the evaluate stage on the small
// classification dataset with a production model that is better, then worse, than the candidate.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ALIASES_FORMAT, type Aliases } from "../../../src/artifact/aliases.js";
import { MANIFEST_FORMAT, type Manifest } from "../../../src/artifact/manifest.js";
import { type Champion, decidePromotion, readChampion } from "../../../src/ml/champion.js";
import { formatError } from "../../../src/ml/errors.js";
import { type Evaluation, EvaluationSchema } from "../../../src/ml/evaluation.js";
import { toJson } from "../../../src/ml/io.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { Workspace } from "./workspace.js";

const champion = (metrics: Record<string, number>, version: string | null = "v1"): Champion => ({
  name: "churn",
  version,
  metrics,
  testRows: 60,
  model: "trees-sha256",
});

test("the first model is promoted", () => {
  const decision = decidePromotion({ mse: 9 }, champion({}, null), "mse", "minimize");
  assert.equal(decision, {
    promote: true,
    reason: 'no production model for "churn" yet: the first model is promoted',
  });
});

test("better promotes, worse or equal does not, and the reason says why", () => {
  assert.equal(decidePromotion({ mse: 7.5 }, champion({ mse: 8 }), "mse", "minimize"), {
    promote: true,
    reason: "mse 7.5 beats production churn@v1's 8 (lower is better)",
  });
  assert.equal(decidePromotion({ mse: 8.25 }, champion({ mse: 8 }), "mse", "minimize"), {
    promote: false,
    reason: "mse 8.25 does not beat production churn@v1's 8 (lower is better)",
  });
  assert.is(decidePromotion({ mse: 8 }, champion({ mse: 8 }), "mse", "minimize").promote, false);
  assert.is(
    decidePromotion({ roc_auc: 0.91 }, champion({ roc_auc: 0.9 }), "roc_auc", "maximize").promote,
    true,
  );
  assert.is(
    decidePromotion({ roc_auc: 0.89 }, champion({ roc_auc: 0.9 }), "roc_auc", "maximize").promote,
    false,
  );
});

test("the production model itself is not promoted again, whatever its metric", () => {
  assert.equal(decidePromotion({ mse: 8 }, champion({ mse: 8 }), "mse", "minimize", "trees-sha256"), {
    promote: false,
    reason: "this model is production churn@v1 already",
  });
  assert.is(
    decidePromotion({ mse: 7 }, champion({ mse: 8 }), "mse", "minimize", "other-trees").promote,
    true,
  );
});

test("a champion without the chosen metric does not block promotion", () => {
  const decision = decidePromotion({ roc_auc: 0.8 }, champion({ accuracy: 0.9 }), "roc_auc", "maximize");
  assert.equal(decision.promote, true);
  assert.match(decision.reason, /has no roc_auc to compare with/);
});

function manifest(version: string, metrics: Record<string, number>): Manifest {
  return {
    format: MANIFEST_FORMAT,
    name: "churn",
    version,
    task: "classification",
    onnx: {
      file: "model.onnx",
      sha256: "0".repeat(64),
      input: { name: "features", dtype: "float32", shape: [-1, 5] },
      outputs: { label: "label", probabilities: "probabilities" },
    },
    features: [{ name: "income", kind: "numeric", dtype: "float", nullable: false }],
    target: { name: "churn", classes: ["no", "yes"] },
    model: { type: "forest", params: {}, trees: 10 },
    metrics,
    testRows: 60,
    lineage: { gitRev: "abc", dataHash: "def", inputs: {} },
    drift: { features: {}, prediction: { proportions: [1] } },
    golden: [{ features: { income: 1 }, expected: { label: "no", probabilities: [1, 0] } }],
  };
}

function publish(workspace: Workspace, version: string, metrics: Record<string, number>): void {
  const aliases: Aliases = {
    format: ALIASES_FORMAT,
    aliases: { production: version },
    history: [
      { action: "promote", alias: "production", version, previous: null, at: "2026-01-01T00:00:00Z" },
    ],
  };
  workspace.write(`models/churn/${version}/manifest.json`, toJson(manifest(version, metrics)));
  workspace.write("models/churn/aliases.json", toJson(aliases));
}

test("readChampion follows the production alias to the manifest's metrics; a broken manifest is an error", () => {
  const workspace = new Workspace();
  const registry = `${workspace.dir}/models`;
  const none = readChampion(registry, "churn");
  assert.ok(none.ok && none.value.version === null);
  publish(workspace, "v7", { roc_auc: 0.8, accuracy: 0.7 });
  const found = readChampion(registry, "churn");
  assert.ok(found.ok);
  if (found.ok)
    assert.equal([found.value.version, found.value.metrics], ["v7", { accuracy: 0.7, roc_auc: 0.8 }]);
  workspace.write("models/churn/v7/manifest.json", "{}");
  const broken = readChampion(registry, "churn");
  assert.ok(!broken.ok && /v7\/manifest\.json: does not match its schema/.test(formatError(broken.error)));
});

test("evaluate: a better production model blocks promotion, a worse one does not", async () => {
  const workspace = new Workspace()
    .write("data/raw/churn.csv", classificationCsv())
    .write("params.yaml", CLASSIFICATION_PARAMS);
  await workspace.callAll();
  const candidate = EvaluationSchema.parse(workspace.json("metrics/evaluate.json")).metrics.roc_auc as number;

  publish(workspace, "v1", { roc_auc: candidate + 0.01 });
  await workspace.call("evaluate");
  const blocked = workspace.json<Evaluation>("metrics/evaluate.json");
  assert.equal(
    [blocked.promote, blocked.champion.version, blocked.champion.value],
    [false, "v1", candidate + 0.01],
  );
  assert.match(
    blocked.reason,
    /^roc_auc [\d.]+ does not beat production churn@v1's [\d.]+ \(higher is better\)$/,
  );

  publish(workspace, "v2", { roc_auc: candidate - 0.01 });
  await workspace.call("evaluate");
  const promoted = workspace.json<Evaluation>("metrics/evaluate.json");
  assert.equal([promoted.promote, promoted.champion.version], [true, "v2"]);
  assert.match(promoted.reason, /beats production churn@v2's/);
});

test.run();
