// A model with a date input, from the CSV to a real server: the featurizer's date parts at training time and the
// server's, computed from the same text, are the same tensor; the server takes the date as the CSV had it and
// answers a bad date with a 400 naming the field.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { FeatureValidator } from "../../serve/validate.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import { prepareDataset } from "../../src/ml/data/prepare.js";
import { type Column, column, type Table } from "../../src/ml/data/table.js";
import { dateTexts, profileWithDateInputs } from "../../src/ml/features/date-inputs.js";
import { FeaturizerSchema } from "../../src/ml/features/featurizer-spec.js";
import { fitFeaturizer } from "../../src/ml/features/fit.js";
import { rawMatrix, trainingSet } from "../../src/ml/features/training-set.js";
import { getModelType, parseModelParams } from "../../src/ml/models/index.js";
import { DatasetSchema, FeaturesSchema, SplitSchema } from "../../src/ml/params.js";
import { packageModel } from "../../src/package/package-model.js";
import { writePackage } from "../../src/package/write-package.js";
import { datedCsv } from "../fixtures/dated.js";
import { tempFile } from "../ml/data/temp.js";
import { errorOf, request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("dates");
const dataset = DatasetSchema.parse({
  path: tempFile("dated.csv", datedCsv()),
  target: "price",
  task: "regression",
  categorical: ["kind"],
  missing: ["?"],
  missing_target: "drop",
  columns: { "sold on": { type: "date" }, area: { nullable: true } },
});
const features = FeaturesSchema.parse({
  steps: [
    {
      op: "date",
      columns: ["sold on"],
      parts: ["year", "month", "day_of_week", "days_since"],
      reference: "2005-01-01",
    },
    { op: "impute", columns: ["area"], strategy: "median" },
  ],
});

const prepared = prepareDataset(dataset, SplitSchema.parse({ test_size: 0.25, seed: 3 }));
if (!prepared.ok) throw new Error(JSON.stringify(prepared.error));
const { train, test: held, profile } = prepared.value;
const fitted = fitFeaturizer(train, profile, features);
if (!fitted.ok) throw new Error(JSON.stringify(fitted.error));
const featurizer = FeaturizerSchema.parse(fitted.value);
let manifest: Manifest;
let server: RunningServer;

/** The test rows as a client sends them: every value as the CSV had it (dates as text). */
function requestRows(table: Table): Record<string, unknown>[] {
  const names = ["sold on", "area", "kind"];
  return Array.from({ length: table.rows }, (_, i) =>
    Object.fromEntries(
      names.map((name) => {
        const value = (column(table, name) as Column).values[i] ?? null;
        return [name, typeof value === "number" && Number.isNaN(value) ? null : value];
      }),
    ),
  );
}

test.before(async () => {
  const found = getModelType("gbt");
  if (!found.ok) throw new Error(found.error.message);
  const params = parseModelParams(found.value, { n_estimators: 40, max_depth: 3 });
  if (!params.ok) throw new Error(params.error.message);
  const data = trainingSet(train, featurizer, profile, "regression", "train");
  if (!data.ok) throw new Error("training set");
  const ensemble = await found.value.fit(data.value, params.value, { seed: 1, threads: 1 });
  const packaged = await packageModel({
    name: "dated",
    featurizer,
    ensemble,
    profile: profileWithDateInputs(profile, featurizer, train),
    train: rawMatrix(train, featurizer.inputs),
    test: rawMatrix(held, featurizer.inputs),
    testDates: dateTexts(held, featurizer),
    metrics: {},
    params: {},
    lineage: { gitRev: "test", dataHash: "test", inputs: {} },
    producerVersion: "test",
    parity: { samples: 500 },
  });
  if (!packaged.ok) throw new Error(packaged.error.message);
  manifest = packaged.value.manifest;
  writePackage(join(temp.dir, "package"), packaged.value);
  server = await startInProcess({
    SERVE_MODEL: join(temp.dir, "package"),
    SERVE_DATA_DIR: join(temp.dir, "data"),
  });
});

test.after(async () => {
  await server?.shutdown("test over");
  temp.remove();
});

test("the date column becomes its parts in file order, and the manifest records where each comes from", () => {
  assert.equal(
    featurizer.inputs.map((input) => input.name),
    ["sold on.year", "sold on.month", "sold on.day_of_week", "sold on.days_since", "area", "kind"],
  );
  const part = manifest.features.find((feature) => feature.name === "sold on.days_since");
  assert.equal(part?.date, { column: "sold on", part: "days_since", reference: "2005-01-01" });
  assert.is(prepared.value.droppedMissingTarget, 11);
  assert.ok(
    manifest.golden.every((row) => typeof row.features["sold on"] === "string"),
    "golden rows hold text",
  );
});

test("parity: the server's tensor from the request rows is the training raw matrix, bit for bit", () => {
  const validator = new FeatureValidator(manifest.features, {
    rangeTolerance: 0.5,
    outOfRange: "accept",
    unseenCategory: "accept",
  });
  assert.equal(validator.fields, ["sold on", "area", "kind"]);
  const encoded = validator.encodeRows(requestRows(held));
  const training = rawMatrix(held, featurizer.inputs);
  assert.is(encoded.tensor.length, training.length);
  assert.equal(new Uint8Array(encoded.tensor.buffer), new Uint8Array(training.buffer));
  const positional = validator.encodeRows(requestRows(held).map((row) => Object.values(row)));
  assert.equal(
    new Uint8Array(positional.tensor.buffer),
    new Uint8Array(encoded.tensor.buffer),
    "rows as arrays of the fields",
  );
});

test("a real server: ready after its golden rows (dates as text), predicts from a date string", async () => {
  const ready = await request(`${server.url}/readyz`);
  assert.is(ready.status, 200);
  const golden = manifest.golden[0];
  const response = await request(`${server.url}/predict`, { body: { features: golden?.features } });
  assert.is(response.status, 200, response.text);
  const [prediction] = (response.body as { predictions: number[] }).predictions;
  assert.ok(Math.abs((prediction as number) - (golden?.expected as number)) < 1e-3, `${prediction}`);
  const later = await request(`${server.url}/predict`, {
    body: { features: { ...golden?.features, "sold on": "2019-07-01" } },
  });
  const earlier = await request(`${server.url}/predict`, {
    body: { features: { ...golden?.features, "sold on": "2006-01-15" } },
  });
  const value = (r: typeof later) => (r.body as { predictions: number[] }).predictions[0] as number;
  assert.ok(value(later) > value(earlier) + 40, "the model learned the trend over the years");
});

test("a bad date is a 400 naming the field and why", async () => {
  const golden = manifest.golden[0]?.features ?? {};
  for (const [text, why] of [
    ["2019-02-30", /"2019-02-30" is not a valid calendar date/],
    ["01/07/2019", /"01\/07\/2019" is not an ISO 8601 date/],
  ] as const) {
    const response = await request(`${server.url}/predict`, {
      body: { features: { ...golden, "sold on": text } },
    });
    assert.is(response.status, 400);
    const error = errorOf(response);
    assert.equal([error.code, error.field, error.row], ["invalid_date", "sold on", 0]);
    assert.match(error.message, why);
  }
  const parts = await request(`${server.url}/predict`, {
    body: { features: { ...golden, "sold on.year": 2010 } },
  });
  assert.is(errorOf(parts).code, "unknown_feature", "the parts are not request fields");
});

test.run();
