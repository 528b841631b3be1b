// Live error metrics from /feedback on real servers (127.0.0.1, onnxruntime, the SQLite log): ground truth joined
// to the logged rows by request id and row, MAE/RMSE (regression) and accuracy/log loss (classification) per model
// version over the last SERVE_FEEDBACK_WINDOW labelled rows, and the rows still waiting for a label.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildBothPackages, type FixturePackage } from "./support/fixtures.js";
import { request, startInProcess, tempDir } from "./support/harness.js";

const temp = tempDir("live-errors");
let regression: FixturePackage;
let classification: FixturePackage;
let houses: RunningServer;
let churn: RunningServer;

test.before(async () => {
  [regression, classification] = await buildBothPackages(temp.dir);
  const common = { SERVE_LOG_FLUSH_MS: "5", SERVE_LOG_MAINTENANCE_S: "0.05", SERVE_FEEDBACK_WINDOW: "3" };
  [houses, churn] = await Promise.all([
    startInProcess({ ...common, SERVE_MODEL: regression.dir, SERVE_DATA_DIR: join(temp.dir, "houses") }),
    startInProcess({ ...common, SERVE_MODEL: classification.dir, SERVE_DATA_DIR: join(temp.dir, "churn") }),
  ]);
});

test.after(async () => {
  await Promise.all([houses.shutdown("test over"), churn.shutdown("test over")]);
  temp.remove();
});

function gauge(metrics: string, name: string, version: string): number | undefined {
  const found = new RegExp(`^${name}\\{model_version="${version}"\\} (\\S+)$`, "m").exec(metrics);
  return found ? Number(found[1]) : undefined;
}

/** Scrapes until `name` for `version` reads `expected` (the awaiting count is refreshed on the log's own tick). */
async function awaitGauge(server: RunningServer, name: string, version: string, expected: number) {
  let value: number | undefined;
  for (let i = 0; i < 100; i++) {
    value = gauge((await request(`${server.url}/metrics`)).text, name, version);
    if (value === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.is(value, expected, `${name}{model_version="${version}"}`);
}

async function predict(server: RunningServer, id: string, instances: unknown[]) {
  const response = await request(`${server.url}/predict`, {
    body: { instances },
    headers: { "x-request-id": id },
  });
  assert.is(response.status, 200, response.text);
  return (response.body as { predictions: unknown[] }).predictions;
}

async function feedback(server: RunningServer, body: unknown) {
  const response = await request(`${server.url}/feedback`, { body });
  assert.is(response.status, 200, response.text);
}

const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test("regression: MAE and RMSE of the version's last 3 labelled rows; unlabelled rows counted", async () => {
  const version = regression.manifest.version;
  const rows = regression.manifest.golden.slice(0, 2).map((golden) => golden.features);
  const instances = [rows[0], rows[1], rows[0], rows[1]];
  const predicted = (await predict(houses, "house-a", instances)) as number[];
  await predict(houses, "house-b", [rows[0], rows[1]]);
  await awaitGauge(houses, "model_predictions_awaiting_label", version, 6);

  // Errors +10, +2, −4 (rows 0–2), one row at a time: MAE 16/3, RMSE √(120/3).
  const errors = [10, 2, -4, 0];
  for (const row of [0, 1, 2])
    await feedback(houses, {
      request_id: "house-a",
      row,
      actual: (predicted[row] as number) + (errors[row] as number),
    });
  let metrics = (await request(`${houses.url}/metrics`)).text;
  close(gauge(metrics, "model_live_mae", version), 16 / 3, "MAE");
  close(gauge(metrics, "model_live_rmse", version), Math.sqrt(120 / 3), "RMSE");
  assert.is(gauge(metrics, "model_live_labelled_rows", version), 3);
  assert.is(
    gauge(metrics, "model_live_accuracy", version),
    undefined,
    "no classification gauge for a regressor",
  );
  await awaitGauge(houses, "model_predictions_awaiting_label", version, 3);

  // Row 3 (error 0) pushes row 0 out of the window of 3: errors +2, −4, 0.
  await feedback(houses, { request_id: "house-a", row: 3, actual: predicted[3] });
  metrics = (await request(`${houses.url}/metrics`)).text;
  close(gauge(metrics, "model_live_mae", version), 2, "MAE over the window");
  close(gauge(metrics, "model_live_rmse", version), Math.sqrt(20 / 3), "RMSE over the window");
  assert.is(gauge(metrics, "model_live_labelled_rows", version), 3);
  // A second label for a row already labelled does not count it twice.
  await feedback(houses, { request_id: "house-a", row: 3, actual: predicted[3] });
  await awaitGauge(houses, "model_predictions_awaiting_label", version, 2);
});

test("classification: accuracy and log loss from the probability the model gave the true label", async () => {
  const version = classification.manifest.version;
  const classes = classification.manifest.target.classes ?? [];
  const rows = classification.manifest.golden.slice(0, 2).map((golden) => golden.features);
  const predicted = (await predict(churn, "churn-a", rows)) as {
    label: string | number;
    probabilities: Record<string, number>;
  }[];
  const first = predicted[0] as (typeof predicted)[number];
  const second = predicted[1] as (typeof predicted)[number];
  const wrong = classes.find((label) => String(label) !== String(second.label)) as string | number;
  await feedback(churn, { request_id: "churn-a", actual: [first.label, wrong] });
  const metrics = (await request(`${churn.url}/metrics`)).text;
  close(gauge(metrics, "model_live_accuracy", version), 0.5, "accuracy");
  const expected =
    (-Math.log(first.probabilities[String(first.label)] as number) -
      Math.log(second.probabilities[String(wrong)] as number)) /
    2;
  close(gauge(metrics, "model_live_log_loss", version), expected, "log loss");
  assert.is(gauge(metrics, "model_live_mae", version), undefined, "no regression gauge for a classifier");
  await awaitGauge(churn, "model_predictions_awaiting_label", version, 0);
});

test.run();
