// The Open Inference Protocol v2 endpoints: the spec's field names and shapes, both input forms (the model's tensor
// and one tensor per feature), the spec's error shape.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildBothPackages, type FixturePackage } from "./support/fixtures.js";
import { request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("oip");
let regression: FixturePackage;
let classification: FixturePackage;
let houses: RunningServer;
let kinds: RunningServer;

test.before(async () => {
  [regression, classification] = await buildBothPackages(temp.dir);
  [houses, kinds] = await Promise.all([
    startInProcess({
      SERVE_MODEL: regression.dir,
      SERVE_PREDICTION_LOG: "false",
      SERVE_MAX_ROWS: "20",
      SERVE_COMPILED_MAX_ROWS: "16",
    }),
    startInProcess({ SERVE_MODEL: classification.dir, SERVE_DATA_DIR: join(temp.dir, "data") }),
  ]);
});

test.after(async () => {
  await Promise.all([houses.shutdown("test over"), kinds.shutdown("test over")]);
  temp.remove();
});

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[];
}

const names = () => regression.manifest.features.map((feature) => feature.name);
const width = () => regression.manifest.features.length;
const input = () => regression.manifest.onnx.input.name;
const goldenMatrix = () =>
  regression.manifest.golden.map((g) => names().map((name) => g.features[name] as number | null));
const infer = (server: RunningServer, body: unknown, model = server === houses ? "houses" : "kinds") =>
  request(`${server.url}/v2/models/${model}/infer`, { body });

test("server metadata and health", async () => {
  const metadata = await request(`${houses.url}/v2`);
  assert.is(metadata.status, 200);
  const body = metadata.body as { name: string; version: string; extensions: string[] };
  assert.is(body.name, "tabula-serve");
  assert.type(body.version, "string");
  assert.equal(body.extensions, []);
  for (const path of ["/v2/health/live", "/v2/health/ready", "/v2/models/houses/ready"]) {
    const response = await request(`${houses.url}${path}`);
    assert.is(response.status, 200, path);
    assert.is(response.text, "", `${path}: the spec asks for an empty body`);
  }
  const versioned = await request(
    `${houses.url}/v2/models/houses/versions/${regression.manifest.version}/ready`,
  );
  assert.is(versioned.status, 200);
});

test("model metadata: name, versions, platform, inputs, outputs", async () => {
  for (const path of ["/v2/models/houses", `/v2/models/houses/versions/${regression.manifest.version}`]) {
    const response = await request(`${houses.url}${path}`);
    assert.is(response.status, 200);
    assert.equal(response.body, {
      name: "houses",
      versions: [regression.manifest.version],
      platform: "onnxruntime_onnx",
      inputs: [{ name: input(), datatype: "FP32", shape: [-1, width()] }],
      outputs: [{ name: "prediction", datatype: "FP32", shape: [-1, 1] }],
    });
  }
  const kindsMeta = (await request(`${kinds.url}/v2/models/kinds`)).body as { outputs: unknown[] };
  assert.equal(kindsMeta.outputs, [
    { name: "label", datatype: "BYTES", shape: [-1] },
    { name: "probabilities", datatype: "FP32", shape: [-1, 2] },
  ]);
});

test("unknown model or version: 404 with the spec's error shape", async () => {
  for (const path of ["/v2/models/nope", "/v2/models/houses/versions/v0", "/v2/models/nope/ready"]) {
    const response = await request(`${houses.url}${path}`);
    assert.is(response.status, 404, path);
    assert.type((response.body as { error: unknown }).error, "string");
  }
  assert.is((await infer(houses, { inputs: [] }, "nope")).status, 404);
});

test("infer with the model's tensor, nested or flat, FP32/FP64/INT: golden outputs, id echoed", async () => {
  const matrix = goldenMatrix();
  const tolerance = 1e-4 * (regression.manifest.target.std ?? 1);
  const shape = [matrix.length, width()];
  const nested = await infer(houses, {
    id: "req-42",
    inputs: [{ name: input(), shape, datatype: "FP32", data: matrix }],
  });
  assert.is(nested.status, 200, nested.text);
  const body = nested.body as InferResponse;
  assert.is(body.model_name, "houses");
  assert.is(body.model_version, regression.manifest.version);
  assert.is(body.id, "req-42");
  assert.equal(
    body.outputs.map((o) => [o.name, o.datatype, o.shape]),
    [["prediction", "FP32", [matrix.length, 1]]],
  );
  for (const [i, g] of regression.manifest.golden.entries())
    assert.ok(Math.abs((body.outputs[0]?.data[i] as number) - (g.expected as number)) <= tolerance);

  const flat = await infer(houses, {
    inputs: [{ name: input(), shape, datatype: "FP64", data: matrix.flat() }],
  });
  assert.equal((flat.body as InferResponse).outputs[0]?.data, body.outputs[0]?.data);

  const rounded = matrix.map((r) => r.map((v) => (v === null ? v : Math.round(v))));
  const ints = await infer(houses, { inputs: [{ name: input(), shape, datatype: "INT32", data: rounded }] });
  assert.is(ints.status, 200, ints.text);
  const fractional = matrix.find((r) => r.some((v) => v !== null && !Number.isInteger(v)));
  const notInts = await infer(houses, {
    inputs: [{ name: input(), shape: [1, width()], datatype: "INT64", data: fractional }],
  });
  assert.is(notInts.status, 400, "INT64 data must be integers");
});

test("infer with one tensor per feature, BYTES for a string category, null where nullable", async () => {
  const golden = classification.manifest.golden;
  const column = (name: string) => golden.map((g) => g.features[name] ?? null);
  const response = await infer(kinds, {
    inputs: [
      { name: "color", shape: [golden.length, 1], datatype: "BYTES", data: column("color") },
      { name: "x", shape: [golden.length], datatype: "FP32", data: column("x") },
      { name: "y", shape: [golden.length], datatype: "FP64", data: column("y") },
    ],
    outputs: [{ name: "probabilities" }, { name: "label" }],
  });
  assert.is(response.status, 200, response.text);
  const body = response.body as InferResponse;
  assert.equal(
    body.outputs.map((o) => o.name),
    ["probabilities", "label"],
  );
  const labels = body.outputs[1];
  assert.is(labels?.datatype, "BYTES");
  assert.equal(
    labels?.data,
    golden.map((g) => (g.expected as { label: string }).label),
  );
  const probabilities = body.outputs[0];
  assert.equal(probabilities?.shape, [golden.length, 2]);
  for (const [i, g] of golden.entries()) {
    const expected = (g.expected as { probabilities: number[] }).probabilities;
    assert.ok(Math.abs((probabilities?.data[2 * i + 1] as number) - (expected[1] as number)) <= 1e-5);
  }
  const nulls = await infer(kinds, {
    inputs: [
      { name: "color", shape: [1], datatype: "BYTES", data: ["red"] },
      { name: "x", shape: [1], datatype: "FP32", data: [null] },
      { name: "y", shape: [1], datatype: "FP32", data: [1] },
    ],
  });
  assert.is(nulls.status, 200, "x is nullable");
});

test("the tensor form carries string categories as their index", async () => {
  const [g] = classification.manifest.golden;
  const features = g?.features as Record<string, string | number | null>;
  const code = ["red", "green", "blue"].indexOf(features.color as string);
  const tensorName = classification.manifest.onnx.input.name;
  const response = await infer(kinds, {
    inputs: [{ name: tensorName, shape: [1, 3], datatype: "FP32", data: [code, features.x, features.y] }],
  });
  assert.is(response.status, 200, response.text);
  const labels = (response.body as InferResponse).outputs.find((o) => o.name === "label");
  const expected = g?.expected as { label: string };
  assert.equal(labels?.data, [expected.label]);
  const outOfCodes = await infer(kinds, {
    inputs: [{ name: tensorName, shape: [1, 3], datatype: "FP32", data: [7, 1, 2] }],
  });
  assert.is(outOfCodes.status, 400);
  assert.match((outOfCodes.body as { error: string }).error, /row 0: feature "color"/);
});

test('bad inference requests: 400 with {"error": string} naming the problem', async () => {
  const row = (goldenMatrix()[0] as number[]).map((v) => v ?? 1);
  const w = width();
  const tensor = (extra: object) => ({
    inputs: [{ name: input(), shape: [1, w], datatype: "FP32", data: row, ...extra }],
  });
  const cases: [unknown, RegExp, number?][] = [
    [{}, /inputs/],
    [{ inputs: "x" }, /inputs/],
    [tensor({ data: undefined }), /data must be an array/],
    [tensor({ shape: [2, w] }), new RegExp(`${w} data elements but its shape \\[2, ${w}\\] needs ${2 * w}`)],
    [tensor({ shape: [1, w - 1], data: row.slice(1) }), new RegExp(`shape \\[N, ${w}\\]`)],
    [tensor({ datatype: "FP16" }), /FP32/],
    [tensor({ data: ["a", ...row.slice(1)] }), /FP32 but holds string/],
    [
      { inputs: [{ name: names()[1], shape: [1], datatype: "FP32", data: [1] }] },
      new RegExp(`feature "${names()[0]}" is missing`),
    ],
    [{ inputs: [{ name: "what", shape: [1], datatype: "FP32", data: [1] }] }, /"what"/],
    [{ ...tensor({}), outputs: [{ name: "nope" }] }, /no output "nope"/],
    [{ ...tensor({}), extra: true }, /unknown field "extra"/],
    [tensor({ shape: [21, w], data: Array(21).fill(row) }), /more/, 413],
  ];
  for (const [body, message, status] of cases) {
    const response = await infer(houses, body);
    assert.is(response.status, status ?? 400, JSON.stringify(body).slice(0, 80));
    const error = (response.body as { error: unknown }).error;
    assert.type(error, "string");
    assert.match(error as string, message);
  }
  const invalid = await request(`${houses.url}/v2/models/houses/infer`, {
    raw: "{",
    headers: { "content-type": "application/json" },
  });
  assert.is(invalid.status, 400);
  assert.type((invalid.body as { error: unknown }).error, "string");
});

test.run();
