// The Open Inference Protocol v2 endpoints: the spec's field names and shapes, both input forms (the model's tensor
// and one tensor per feature), the spec's error shape.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { type FixturePackage, writeFixtures } from "./support/fixtures.js";
import { request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("oip");
let regression: FixturePackage;
let classification: FixturePackage;
let houses: RunningServer;
let churn: RunningServer;

test.before(async () => {
  ({ regression, classification } = writeFixtures(temp.dir));
  [houses, churn] = await Promise.all([
    startInProcess({ SERVE_MODEL: regression.dir, SERVE_PREDICTION_LOG: "false", SERVE_MAX_ROWS: "20" }),
    startInProcess({ SERVE_MODEL: classification.dir, SERVE_DATA_DIR: join(temp.dir, "data") }),
  ]);
});

test.after(async () => {
  await Promise.all([houses.shutdown("test over"), churn.shutdown("test over")]);
  temp.remove();
});

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[];
}

const names = () => regression.manifest.features.map((feature) => feature.name);
const goldenMatrix = () =>
  regression.manifest.golden.map((g) => names().map((name) => g.features[name] as number));
const infer = (
  server: RunningServer,
  body: unknown,
  path = `/v2/models/${server === houses ? "houses" : "churn"}/infer`,
) => request(`${server.url}${path}`, { body });

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
      inputs: [{ name: "input", datatype: "FP32", shape: [-1, 13] }],
      outputs: [{ name: "prediction", datatype: "FP32", shape: [-1, 1] }],
    });
  }
  const churnMeta = (await request(`${churn.url}/v2/models/churn`)).body as { outputs: unknown[] };
  assert.equal(churnMeta.outputs, [
    { name: "label", datatype: "BYTES", shape: [-1] },
    { name: "probabilities", datatype: "FP32", shape: [-1, 3] },
  ]);
});

test("unknown model or version: 404 with the spec's error shape", async () => {
  for (const path of ["/v2/models/nope", "/v2/models/houses/versions/v0", "/v2/models/nope/ready"]) {
    const response = await request(`${houses.url}${path}`);
    assert.is(response.status, 404, path);
    assert.type((response.body as { error: unknown }).error, "string");
  }
  const post = await infer(houses, { inputs: [] }, "/v2/models/nope/infer");
  assert.is(post.status, 404);
});

test("infer with the model's tensor, nested or flat, FP32/FP64/INT: golden outputs, id echoed", async () => {
  const matrix = goldenMatrix();
  const tolerance = 1e-4 * (regression.manifest.target.std ?? 1);
  const nested = await infer(houses, {
    id: "req-42",
    inputs: [{ name: "input", shape: [matrix.length, 13], datatype: "FP32", data: matrix }],
  });
  assert.is(nested.status, 200);
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
    inputs: [{ name: "input", shape: [matrix.length, 13], datatype: "FP64", data: matrix.flat() }],
  });
  assert.equal((flat.body as InferResponse).outputs[0]?.data, body.outputs[0]?.data);

  const rounded = matrix.map((r) => r.map(Math.round));
  const ints = await infer(houses, {
    inputs: [{ name: "input", shape: [rounded.length, 13], datatype: "INT32", data: rounded }],
  });
  assert.is(ints.status, 200);
  const fractional = await infer(houses, {
    inputs: [{ name: "input", shape: [1, 13], datatype: "INT64", data: matrix[0] }],
  });
  assert.is(fractional.status, 400, "INT64 data must be integers");
});

test("infer with one tensor per feature, BYTES for a string category, null where nullable", async () => {
  const golden = classification.manifest.golden;
  const column = (name: string) => golden.map((g) => g.features[name] ?? null);
  const response = await infer(churn, {
    inputs: [
      { name: "tenure", shape: [golden.length], datatype: "INT32", data: column("tenure") },
      { name: "plan", shape: [golden.length, 1], datatype: "BYTES", data: column("plan") },
      { name: "spend", shape: [golden.length], datatype: "FP32", data: column("spend") },
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
  assert.equal(probabilities?.shape, [golden.length, 3]);
  for (const [i, g] of golden.entries()) {
    const expected = (g.expected as { probabilities: number[] }).probabilities;
    assert.ok(Math.abs((probabilities?.data[3 * i + 1] as number) - (expected[1] as number)) <= 1e-5);
  }
});

test("the tensor form carries string categories as their index", async () => {
  const [g] = classification.manifest.golden;
  const features = g?.features as Record<string, string | number | null>;
  const code = ["basic", "plus", "pro"].indexOf(features.plan as string);
  const response = await infer(churn, {
    inputs: [
      { name: "input", shape: [1, 3], datatype: "FP32", data: [features.tenure, code, features.spend] },
    ],
  });
  assert.is(response.status, 200, response.text);
  const outOfCodes = await infer(churn, {
    inputs: [{ name: "input", shape: [1, 3], datatype: "FP32", data: [1, 7, 2] }],
  });
  assert.is(outOfCodes.status, 400);
  assert.match((outOfCodes.body as { error: string }).error, /row 0: feature "plan"/);
});

test('bad inference requests: 400 with {"error": string} naming the problem', async () => {
  const row = goldenMatrix()[0] as number[];
  const cases: [unknown, RegExp, number?][] = [
    [{}, /inputs/],
    [{ inputs: "x" }, /inputs/],
    [{ inputs: [{ name: "input", shape: [1, 13], datatype: "FP32" }] }, /data must be an array/],
    [
      { inputs: [{ name: "input", shape: [2, 13], datatype: "FP32", data: row }] },
      /13 data elements but its shape \[2, 13\] needs 26/,
    ],
    [
      { inputs: [{ name: "input", shape: [1, 12], datatype: "FP32", data: row.slice(1) }] },
      /shape \[N, 13\]/,
    ],
    [{ inputs: [{ name: "input", shape: [1, 13], datatype: "FP16", data: row }] }, /FP32/],
    [
      { inputs: [{ name: "input", shape: [1, 13], datatype: "FP32", data: ["a", ...row.slice(1)] }] },
      /FP32 but holds string/,
    ],
    [{ inputs: [{ name: "crim", shape: [1], datatype: "FP32", data: [1] }] }, /feature "zn" is missing/],
    [{ inputs: [{ name: "what", shape: [1], datatype: "FP32", data: [1] }] }, /"what"/],
    [
      {
        inputs: [{ name: "input", shape: [1, 13], datatype: "FP32", data: row }],
        outputs: [{ name: "nope" }],
      },
      /no output "nope"/,
    ],
    [
      { inputs: [{ name: "input", shape: [1, 13], datatype: "FP32", data: row }], extra: true },
      /unknown field "extra"/,
    ],
    [
      { inputs: [{ name: "input", shape: [21, 13], datatype: "FP32", data: Array(21).fill(row) }] },
      /more/,
      413,
    ],
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
