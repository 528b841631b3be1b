// When the compiled trees can serve the model, they serve every request and onnxruntime is only run in a child
// process to check them: its library is never mapped into the serving process. When they cannot (here: an op the
// compiler does not know), onnxruntime is loaded in process and serves everything, as before.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadLiveModel, type ModelSettings } from "../../serve/model/live-model.js";
import { resolveModelSource } from "../../serve/model/model-source.js";
import { readModelPackage } from "../../serve/model/read-package.js";
import { onnx } from "../../src/ml/onnx/graph-builder.js";
import { buildRegressionPackage, type FixturePackage } from "./support/fixtures.js";
import { type ChildServer, request, startChild, tempDir } from "./support/harness.js";

const temp = tempDir("tabula-compiled-alone-");
let model: FixturePackage;

test.before(async () => {
  model = await buildRegressionPackage(join(temp.dir, "houses"));
});

test.after(() => temp.remove());

const onnxruntimeMapped = (server: ChildServer) =>
  readFileSync(`/proc/${server.child.pid}/maps`, "utf8").includes("onnxruntime");

async function stop(server: ChildServer): Promise<void> {
  server.child.kill("SIGTERM");
  await server.exited;
}

function rows(count: number): Record<string, unknown>[] {
  const golden = model.manifest.golden.map((row) => row.features);
  return Array.from({ length: count }, (_, i) => golden[i % golden.length] as Record<string, unknown>);
}

async function predict(server: { url: string }, count: number): Promise<number[]> {
  const response = await request(`${server.url}/predict`, { body: { instances: rows(count) } });
  assert.is(response.status, 200, JSON.stringify(response.body));
  return (response.body as { predictions: number[] }).predictions;
}

// Servers in child processes: this test process has loaded onnxruntime itself (the fixture's golden predictions).
test("the compiled trees serve every request size; onnxruntime never loads into the server", async () => {
  const server = await startChild({ SERVE_MODEL: model.dir, SERVE_DATA_DIR: join(temp.dir, "alone") });
  let small: number[];
  let big: number[];
  try {
    assert.match(server.output(), /"all":true/, "the log says the compiled trees serve every request");
    small = await predict(server, 3);
    big = await predict(server, 300);
    const ready = await request(`${server.url}/readyz`);
    assert.is(ready.status, 200);
    assert.not.ok(onnxruntimeMapped(server), "libonnxruntime is not mapped into the server");
  } finally {
    await stop(server);
  }
  const reference = await startChild({
    SERVE_MODEL: model.dir,
    SERVE_DATA_DIR: join(temp.dir, "onnxruntime"),
    SERVE_COMPILED_MAX_ROWS: "0",
  });
  try {
    assert.ok(
      onnxruntimeMapped(reference),
      "the check above can fail: onnxruntime shows in the maps once loaded",
    );
    const expected = await predict(reference, 300);
    assert.is(big.length, 300);
    big.forEach((value, i) => {
      assert.ok(Math.abs(value - (expected[i] as number)) <= 1e-4 * Math.max(1, Math.abs(value)), `row ${i}`);
    });
    assert.equal(small, big.slice(0, 3));
  } finally {
    await stop(reference);
  }
});

test("a model the compiler refuses: onnxruntime is loaded in process and serves every request", async () => {
  const source = resolveModelSource(model.dir, "production");
  assert.ok(source.ok);
  if (!source.ok) return;
  const pkg = readModelPackage(source.value);
  assert.ok(pkg.ok);
  if (!pkg.ok) return;
  // The model's output through Relu (the compiler knows no Relu; the house prices are positive, so the golden rows hold).
  const proto = onnx.ModelProto.decode(pkg.value.onnx);
  const graph = proto.graph as NonNullable<typeof proto.graph>;
  const output = graph.output?.[0]?.name as string;
  for (const node of graph.node ?? [])
    node.output = (node.output ?? []).map((name: string) => (name === output ? "raw" : name));
  graph.node?.push(onnx.NodeProto.create({ opType: "Relu", input: ["raw"], output: [output] }));
  const bytes = onnx.ModelProto.encode(proto).finish();
  const settings: ModelSettings = {
    workers: 0,
    intraOpThreads: 1,
    interOpThreads: 1,
    maxBatchRows: 4096,
    compiledMaxRows: 128,
    policy: { rangeTolerance: 0.1, outOfRange: "accept", unseenCategory: "accept" },
    driftWindow: 100,
  };
  const loaded = await loadLiveModel({ ...pkg.value, onnx: bytes }, settings, {
    onRun: () => {},
    onWorkerRestart: () => {},
  });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.error.message);
  if (!loaded.ok) return;
  const status = loaded.value.compiled;
  assert.ok(!status.used && /Relu/.test(status.reason), JSON.stringify(status));
  const outputs = await loaded.value.executor.run(
    new Float32Array(model.manifest.features.length * 200),
    200,
  );
  assert.is(Object.values(outputs)[0]?.data.length, 200);
  await loaded.value.retire();
});

test.run();
