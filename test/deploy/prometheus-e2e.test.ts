// End to end: a real Prometheus on 127.0.0.1 scrapes a real server every second while traffic flows (valid rows,
// bad requests, out-of-range values, feedback); then its HTTP API answers the request rate, a latency quantile and
// the drift gauge, the alert rules load and evaluate, and every query of the Grafana dashboard runs without error.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Manifest } from "../../src/artifact/manifest.js";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { tempDir } from "../serve/support/harness.js";
import { gated, INSTALL_HINT, missingTool } from "../support/skip.js";
import { dashboardQueries } from "./support/dashboard.js";
import { type QueryResult, type RunningPrometheus, startPrometheus } from "./support/prometheus.js";
import { type RunningServer, startServer } from "./support/server.js";

const noPrometheus = missingTool("prometheus", INSTALL_HINT.promtool);
const withPrometheus = gated(test, noPrometheus);

const JOB = 'job="tabula-server"';
const temp = tempDir("prometheus-e2e");
const pkg = await buildRegressionPackage(join(temp.dir, "package"));
let server: RunningServer;
let prometheus: RunningPrometheus;

function randomRow(manifest: Manifest, random: () => number, outOfRange = false): Record<string, number> {
  const row: Record<string, number> = {};
  for (const feature of manifest.features) {
    const min = feature.min ?? 0;
    const max = feature.max ?? 1;
    const value = outOfRange ? max + 10 * (max - min + 1) : min + random() * (max - min);
    row[feature.name] = feature.dtype === "integer" ? Math.round(value) : value;
  }
  return row;
}

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Until `until` resolves true: batches of rows, a bad request, an out-of-range row, and feedback for a prediction. */
async function traffic(until: () => Promise<boolean>): Promise<number> {
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  let requests = 0;
  while (!(await until())) {
    const rows = Array.from({ length: 20 }, () => randomRow(pkg.manifest, random));
    const [batch, bad, outOfRange] = await Promise.all([
      post("/predict", { instances: rows }),
      post("/predict", { features: { ...rows[0], [pkg.manifest.features[0]?.name as string]: "x" } }),
      post("/predict", { features: randomRow(pkg.manifest, random, true) }),
    ]);
    assert.is(batch.status, 200, JSON.stringify(batch.body));
    assert.is(bad.status, 400);
    assert.is(outOfRange.status, 200);
    const feedback = await post("/feedback", {
      request_id: batch.body.request_id,
      actual: rows.map(() => 20),
    });
    assert.ok(feedback.status < 500, JSON.stringify(feedback));
    requests += 4;
  }
  return requests;
}

function values(result: QueryResult): number[] {
  assert.is(result.status, "success", JSON.stringify(result));
  return result.status === "success" ? result.data.result.map((sample) => Number(sample.value[1])) : [];
}

test.before(async () => {
  server = await startServer({
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_DRIFT_WINDOW: "50",
    SERVE_LOG_FLUSH_MS: "10",
  });
  if (noPrometheus === undefined) prometheus = await startPrometheus(`127.0.0.1:${server.port}`);
});

test.after(async () => {
  await prometheus?.stop();
  await server?.stop();
  temp.remove();
});

withPrometheus(
  "Prometheus scrapes the server under traffic; request rate, p99 latency and drift come back",
  async () => {
    // Enough samples for rate() over 10 s windows: at least 5 scrapes after the first traffic and a feedback join.
    const deadline = Date.now() + 25_000;
    const sent = await traffic(async () => {
      if (Date.now() > deadline) throw new Error("Prometheus saw too few scrapes within 25 s");
      const scrapes = values(await prometheus.query(`count_over_time(up{${JOB}}[30s])`))[0] ?? 0;
      const counted =
        values(await prometheus.query(`sum(http_requests_total{${JOB}, route="/predict"})`))[0] ?? 0;
      return scrapes >= 6 && counted >= 40;
    });
    assert.ok(sent > 0);
    assert.equal(values(await prometheus.query(`up{${JOB}}`)), [1]);

    const [rate] = values(
      await prometheus.query(`sum(rate(http_requests_total{${JOB}, route="/predict"}[10s]))`),
    );
    assert.ok(rate !== undefined && rate > 0, `request rate ${rate}`);
    const [badRate] = values(
      await prometheus.query(`sum(rate(http_requests_total{${JOB}, status="400"}[10s]))`),
    );
    assert.ok(badRate !== undefined && badRate > 0, `400 rate ${badRate}`);

    const p99Query = `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${JOB}, route="/predict"}[10s])))`;
    const [p99] = values(await prometheus.query(p99Query));
    assert.ok(p99 !== undefined && p99 > 0 && p99 <= 2.5, `p99 ${p99}`);

    const drift = await prometheus.query(`model_feature_drift_psi{${JOB}}`);
    assert.is(drift.status, "success");
    const features =
      drift.status === "success" ? drift.data.result.map((sample) => sample.metric.feature).sort() : [];
    assert.equal(features, pkg.manifest.features.map((feature) => feature.name).sort());
    assert.ok(values(drift).every((psi) => Number.isFinite(psi) && psi >= 0));

    const [version] =
      (await prometheus.query(`model_info{${JOB}}`)).status === "success" ? [pkg.manifest.version] : [];
    const info = await prometheus.query(`model_info{${JOB}, version="${version}"}`);
    assert.equal(values(info), [1]);
  },
);

withPrometheus("every Grafana dashboard query runs without error; the core panels have data", async () => {
  const queries = dashboardQueries({ job: "tabula-server", instance: ".*", rateInterval: "10s" });
  const empty: string[] = [];
  for (const query of queries) {
    const result = await prometheus.query(query.expr);
    assert.is(result.status, "success", `${query.panel} ${query.refId}: ${JSON.stringify(result)}`);
    if (result.status === "success" && result.data.result.length === 0)
      empty.push(`${query.panel} ${query.refId}`);
  }
  // Without anything to count these stay empty: no classification model, no dropped log rows. (Unseen categories
  // do have data: the traffic draws the integer categorical uniformly, outside the categories seen in training.)
  assert.equal(
    empty.sort(),
    ["Predictions by class (classification) A", "Prediction log: written, pending, dropped A"].sort(),
  );
});

withPrometheus(
  "the alert rules load and evaluate cleanly; drift alerts are pending for exactly the drifted features",
  async () => {
    const response = await fetch(`${prometheus.url}/api/v1/rules`);
    const body = (await response.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = body.data.groups.flatMap((group) => group.rules);
    const declared = [
      ...readFileSync("monitoring/prometheus/tabula.rules.yml", "utf8").matchAll(/- alert: (\w+)/g),
    ];
    assert.equal(rules.map((rule) => rule.name).sort(), declared.map((match) => match[1]).sort());
    for (const rule of rules) assert.is(rule.health, "ok", `${rule.name}: ${rule.lastError}`);
    // The traffic is uniform over each feature's training range, unlike the training data: exactly the features whose
    // live PSI is above 0.2 get a pending drift alert (`for: 15m` has not passed). The traffic has stopped; give the
    // last scrape a few rule evaluations to settle.
    let drift: Record<string, string>[] = [];
    let others: Record<string, string>[] = [];
    let drifted: string[] = [];
    let datasetDrifted = false;
    for (const deadline = Date.now() + 8000; Date.now() < deadline; ) {
      const alerts = await prometheus.query("ALERTS");
      const psi = await prometheus.query(`max by (feature) (model_feature_drift_psi{${JOB}}) > 0.2`);
      const raised = alerts.status === "success" ? alerts.data.result.map((sample) => sample.metric) : [];
      drift = raised.filter((m) => m.alertname === "TabulaFeatureDrift");
      others = raised.filter((m) => m.alertname !== "TabulaFeatureDrift");
      drifted = psi.status === "success" ? psi.data.result.map((s) => s.metric.feature as string).sort() : [];
      const share = await prometheus.query(`max(model_drifted_features_share{${JOB}}) >= 0.5`);
      datasetDrifted = share.status === "success" && share.data.result.length > 0;
      const datasetAlert = others.some(
        (m) => m.alertname === "TabulaDatasetDrift" && m.alertstate === "pending",
      );
      if (
        JSON.stringify(drift.map((m) => m.feature).sort()) === JSON.stringify(drifted) &&
        datasetAlert === datasetDrifted
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(drifted.length > 0, "uniform traffic drifts from the training bins");
    assert.ok(
      drift.every((m) => m.alertstate === "pending"),
      JSON.stringify(drift),
    );
    assert.equal(drift.map((m) => m.feature).sort(), drifted);
    // The dataset-level alert is pending exactly when half the features or more drift by their statistical tests.
    assert.is(
      others.some((m) => m.alertname === "TabulaDatasetDrift" && m.alertstate === "pending"),
      datasetDrifted,
      JSON.stringify(others),
    );
    // No errors, the model is ready, the log keeps up; only latency may be high on a busy test machine.
    assert.ok(
      others.every((m) => m.alertname === "TabulaHighLatencyP99" || m.alertname === "TabulaDatasetDrift"),
      JSON.stringify(others),
    );
  },
);

test.run();
