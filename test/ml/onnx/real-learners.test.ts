// The real learners (forest, boosted trees, the ml-random-forest adapter) and the real featurizer fit, through the
// package step: every model type exports through the same path and passes parity, on Boston (regression) and on
// the synthetic churn data (binary classification with a text categorical and missing values).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { prepareDataset } from "../../../src/ml/data/prepare.js";
import type { Table } from "../../../src/ml/data/table.js";
import { FeaturizerSchema } from "../../../src/ml/features/featurizer-spec.js";
import { fitFeaturizer } from "../../../src/ml/features/fit.js";
import { rawMatrix, trainingSet } from "../../../src/ml/features/training-set.js";
import { getModelType } from "../../../src/ml/models/index.js";
import { parseModelParams } from "../../../src/ml/models/model-params.js";
import { formatParityReport } from "../../../src/ml/onnx/parity.js";
import { DatasetSchema, FeaturesSchema, SplitSchema } from "../../../src/ml/params.js";
import { packageModel } from "../../../src/package/package-model.js";
import { CLASSIFICATION_PARAMS, classificationCsv } from "../../fixtures/classification.js";
import { tempFile } from "../data/temp.js";

interface Case {
  name: string;
  params: Record<string, unknown>;
  features: unknown;
  models: [string, Record<string, unknown>][];
}

const boston: Case = {
  name: "boston",
  params: parseYaml(readFileSync("params.yaml", "utf8")),
  features: {
    steps: [
      {
        op: "impute",
        columns: ["crim", "zn", "indus", "nox", "rm", "age", "dis", "tax", "ptratio", "b", "lstat"],
        strategy: "median",
      },
      { op: "log1p", columns: ["crim", "lstat"] },
      { op: "derive", name: "rooms_per_tax", expr: "rm / tax * 100" },
      { op: "scale", columns: ["rm"] },
      { op: "clip", columns: ["b"], quantiles: [0.05, 0.95] },
      { op: "onehot", columns: ["chas"] },
    ],
    exclude: [],
  },
  models: [
    ["forest", { n_estimators: 30, max_features: 0.5 }],
    ["forest", { n_estimators: 30, max_features: 0.5, tree_method: "hist", max_bins: 32 }],
    ["gbt", { n_estimators: 30, max_depth: 4, learning_rate: 0.2 }],
    ["gbt", { n_estimators: 30, max_depth: 4, learning_rate: 0.2, tree_method: "hist", max_bins: 64 }],
    ["gbt", { n_estimators: 30, learning_rate: 0.2, grow_policy: "lossguide", max_leaves: 10 }],
    ["ml-random-forest", { n_estimators: 10 }],
  ],
};

const churnParams = parseYaml(CLASSIFICATION_PARAMS);
const churn: Case = {
  name: "churn",
  params: {
    ...churnParams,
    dataset: { ...churnParams.dataset, path: tempFile("churn.csv", classificationCsv()) },
  },
  features: churnParams.features,
  models: [
    ["forest", { n_estimators: 30 }],
    ["forest", { n_estimators: 30, tree_method: "hist" }],
    ["gbt", { n_estimators: 30, max_depth: 3 }],
    ["gbt", { n_estimators: 30, max_depth: 3, tree_method: "hist" }],
  ],
};

for (const c of [boston, churn]) {
  const dataset = DatasetSchema.parse(c.params.dataset);
  const prepared = prepareDataset(dataset, SplitSchema.parse(c.params.split));
  if (!prepared.ok) throw new Error(`${c.name} did not prepare`);
  const { train, test: held, profile } = prepared.value;
  const fitted = fitFeaturizer(train, profile, FeaturesSchema.parse(c.features));
  if (!fitted.ok) throw new Error(`${c.name}: ${fitted.error.message}`);
  const featurizer = FeaturizerSchema.parse(fitted.value);
  const raw = (table: Table) => rawMatrix(table, featurizer.inputs);

  for (const [type, rawParams] of c.models) {
    test(`${c.name}, ${type} ${JSON.stringify(rawParams)}: packaged, parity on test + 3,000 sampled + edge rows`, async () => {
      const found = getModelType(type);
      if (!found.ok) throw new Error(found.error.message);
      const params = parseModelParams(found.value, rawParams);
      if (!params.ok) throw new Error(params.error.message);
      const data = trainingSet(train, featurizer, profile, dataset.task, "train");
      if (!data.ok) throw new Error("training set");
      const ensemble = await found.value.fit(data.value, params.value, { seed: 1, threads: 1 });
      const result = await packageModel({
        name: c.name,
        featurizer,
        ensemble,
        profile,
        train: raw(train),
        test: raw(held),
        metrics: {},
        params: rawParams,
        lineage: { gitRev: "test", dataHash: "test", inputs: {} },
        producerVersion: "test",
        parity: { samples: 3000 },
      });
      if (!result.ok) {
        assert.unreachable(`${result.error.kind}: ${result.error.message}`);
        return;
      }
      const { parity } = result.value;
      assert.ok(parity.passed, formatParityReport(parity));
      assert.ok((parity.sets.find((set) => set.name === "edge")?.rows ?? 0) >= 50, "edge rows on the splits");
      console.log(`    ${c.name} ${type}: ${formatParityReport(parity).split("\n")[0]}`);
    });
  }
}

test.run();
