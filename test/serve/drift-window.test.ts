// PSI over the sliding window: near zero for data like training's, large for shifted data, forgetting old rows as
// the window slides; unseen categories land in the extra bin; big batches are sampled.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DriftWindow } from "../../serve/observability/drift-window.js";
import type { Manifest } from "../../src/artifact/manifest.js";

const manifest = {
  target: { name: "y" },
  features: [
    { name: "x", kind: "numeric", dtype: "float", nullable: true },
    { name: "c", kind: "categorical", dtype: "string", categories: ["a", "b"], nullable: false },
  ],
  drift: {
    features: {
      x: { edges: [1, 2, 3], proportions: [0.25, 0.25, 0.25, 0.25] },
      // The reference lists the categories in its own order: "b" is code 1 in the tensor but bin 0 here.
      c: { categories: ["b", "a"], proportions: [0.75, 0.25, 0] },
    },
    prediction: { edges: [10], proportions: [0.5, 0.5] },
  },
} as unknown as Manifest;

/** Rows (x, code of c) and predictions shaped like the reference: x spread over the 4 bins, c 3/4 "b". */
function likeTraining(n: number): { tensor: Float32Array; predictions: Float64Array } {
  const tensor = new Float32Array(n * 2);
  const predictions = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    tensor[2 * i] = [0.5, 1.5, 2.5, 3.5][i % 4] as number;
    tensor[2 * i + 1] = i % 4 === 0 ? 0 : 1;
    predictions[i] = i % 2 === 0 ? 5 : 15;
  }
  return { tensor, predictions };
}

function observeInRequests(
  window: DriftWindow,
  tensor: Float32Array,
  predictions: Float64Array,
  perRequest = 1,
) {
  for (let start = 0; start < predictions.length; start += perRequest) {
    const rows = Math.min(perRequest, predictions.length - start);
    window.observe(
      tensor.subarray(start * 2, (start + rows) * 2),
      predictions.subarray(start, start + rows),
      rows,
    );
  }
}

test("data like training's has a PSI near 0; shifted data a large one", () => {
  const window = new DriftWindow(manifest, 400);
  const same = likeTraining(400);
  observeInRequests(window, same.tensor, same.predictions);
  const psi = window.featurePsi();
  assert.ok((psi.get("x") as number) < 0.01, `x: ${psi.get("x")}`);
  assert.ok((psi.get("c") as number) < 0.01, `c: ${psi.get("c")}`);
  assert.ok(window.predictionPsi() < 0.01);

  const shifted = likeTraining(400);
  for (let i = 0; i < 400; i++) {
    shifted.tensor[2 * i] = 100; // every x beyond the last edge
    shifted.tensor[2 * i + 1] = -1; // every category unseen
    shifted.predictions[i] = 50;
  }
  observeInRequests(window, shifted.tensor, shifted.predictions);
  const drifted = window.featurePsi();
  assert.ok((drifted.get("x") as number) > 1, `x: ${drifted.get("x")}`);
  assert.ok((drifted.get("c") as number) > 1, `c: ${drifted.get("c")}`);
  assert.ok(window.predictionPsi() > 1);

  observeInRequests(window, same.tensor, same.predictions);
  assert.ok((window.featurePsi().get("x") as number) < 0.01, "the window forgot the shifted rows");
});

test("missing values fall in no bin; the window counts rows; big requests are sampled", () => {
  const window = new DriftWindow(manifest, 1000);
  const data = likeTraining(8);
  data.tensor[0] = Number.NaN;
  observeInRequests(window, data.tensor, data.predictions);
  assert.is(window.rows, 8);
  const big = likeTraining(1000);
  observeInRequests(window, big.tensor, big.predictions, 1000);
  assert.is(window.rows, 8 + 32, "a 1000-row request adds an even sample of 32 rows");
  assert.ok((window.featurePsi().get("x") as number) < 0.05);
});

test("drift tests over the window: training-like rows pass, shifted rows alarm per feature (src/drift)", () => {
  const withRows = {
    ...manifest,
    drift: {
      ...manifest.drift,
      features: {
        x: { ...manifest.drift.features.x, rows: 400 },
        c: { ...manifest.drift.features.c, rows: 400 },
      },
    },
  } as Manifest;
  const window = new DriftWindow(withRows, 400);
  const same = likeTraining(400);
  observeInRequests(window, same.tensor, same.predictions);
  const calm = window.featureDrift();
  assert.equal(
    calm.features.map((f) => [f.name, f.test, f.drifted]),
    [
      ["x", "ks", false],
      ["c", "chi-squared", false],
    ],
  );
  const shifted = likeTraining(400);
  for (let i = 0; i < 400; i++) shifted.tensor[2 * i] = 100;
  observeInRequests(window, shifted.tensor, shifted.predictions);
  const alarmed = window.featureDrift();
  assert.equal(
    alarmed.features.map((f) => [f.name, f.drifted]),
    [
      ["x", true],
      ["c", false],
    ],
  );
  assert.is(alarmed.driftedShare, 0.5);
  assert.ok(alarmed.drifted);
});

test.run();
