// The alert rules pass `promtool check rules` and their unit tests (`promtool test rules`), every alert has a case
// where it fires and one where it stays silent, the dashboard's queries parse, and the Kubernetes copies of both
// are what scripts/ci/sync-k8s-monitoring.ts generates.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, stringify } from "yaml";
import { renderMonitoringManifests } from "../../scripts/ci/sync-k8s-monitoring.js";
import { gated, INSTALL_HINT, missingKubectl, missingTool } from "../support/skip.js";
import { dashboardQueries } from "./support/dashboard.js";
import { kustomize, ofKind } from "./support/kustomize.js";

const withPromtool = gated(test, missingTool("promtool", INSTALL_HINT.promtool));

const RULES = "monitoring/prometheus/tabula.rules.yml";
const RULE_TESTS = "monitoring/prometheus/tabula.rules.test.yml";
const REQUIRED_ALERTS = [
  "TabulaHighErrorRate",
  "TabulaHighLatencyP99",
  "TabulaModelNotReady",
  "TabulaFeatureDrift",
  "TabulaDatasetDrift",
  "TabulaPredictionLogDropping",
];

type RuleGroups = { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
const rules = parse(readFileSync(RULES, "utf8")) as RuleGroups;

function promtool(...args: string[]) {
  return spawnSync("promtool", args, { encoding: "utf8" });
}

withPromtool("promtool check rules accepts the rules file", () => {
  const result = promtool("check", "rules", RULES);
  assert.is(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, `SUCCESS: ${REQUIRED_ALERTS.length} rules found`);
});

test("every required alert exists", () => {
  const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
  assert.equal([...alerts].sort(), [...REQUIRED_ALERTS].sort());
});

withPromtool("promtool test rules: every unit test passes", () => {
  const result = promtool("test", "rules", RULE_TESTS);
  assert.is(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, "SUCCESS");
});

test("every alert is tested both firing and silent", () => {
  type Case = { alertname: string; exp_alerts: unknown[] };
  const suite = parse(readFileSync(RULE_TESTS, "utf8")) as { tests: { alert_rule_test: Case[] }[] };
  const cases = suite.tests.flatMap((t) => t.alert_rule_test);
  for (const alert of REQUIRED_ALERTS) {
    const mine = cases.filter((c) => c.alertname === alert);
    assert.ok(
      mine.some((c) => c.exp_alerts.length > 0),
      `${alert} has no case where it fires`,
    );
    assert.ok(
      mine.some((c) => c.exp_alerts.length === 0),
      `${alert} has no case where it stays silent`,
    );
  }
});

withPromtool("a broken rule fails promtool test rules (the unit tests can fail)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tabula-rules-"));
  try {
    const weakened = readFileSync(RULES, "utf8").replace("> 0.2", "> 0.5");
    writeFileSync(join(dir, "tabula.rules.yml"), weakened);
    writeFileSync(join(dir, "tabula.rules.test.yml"), readFileSync(RULE_TESTS, "utf8"));
    const result = promtool("test", "rules", join(dir, "tabula.rules.test.yml"));
    assert.is.not(result.status, 0);
    assert.match(result.stdout + result.stderr, "TabulaFeatureDrift");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

withPromtool(
  "every dashboard query parses as PromQL (promtool check rules on them as recording rules)",
  () => {
    const queries = dashboardQueries({ job: "tabula-server", instance: ".*", rateInterval: "1m" });
    assert.ok(queries.length >= 15, `${queries.length} queries`);
    const dir = mkdtempSync(join(tmpdir(), "tabula-dashboard-"));
    try {
      const asRules = {
        groups: [
          {
            name: "dashboard",
            rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })),
          },
        ],
      };
      writeFileSync(join(dir, "dashboard.rules.yml"), stringify(asRules));
      const result = promtool("check", "rules", join(dir, "dashboard.rules.yml"));
      assert.is(result.status, 0, result.stdout + result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("the dashboard covers traffic, errors, latency, predictions, drift, model version and the prediction log", () => {
  const exprs = dashboardQueries({ job: "j", instance: "i", rateInterval: "1m" })
    .map((q) => q.expr)
    .join("\n");
  for (const needle of [
    "http_requests_total",
    'status=~"5.."',
    "histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket",
    "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket",
    "model_prediction_rows_total",
    "model_feature_drift_psi",
    "model_info",
    "prediction_log_dropped_total",
  ]) {
    assert.ok(exprs.includes(needle), `no panel queries ${needle}`);
  }
});

gated(test, missingKubectl())(
  "the Kubernetes copies are up to date with monitoring/ (npx tsx scripts/ci/sync-k8s-monitoring.ts)",
  () => {
    for (const [path, text] of Object.entries(renderMonitoringManifests("."))) {
      assert.ok(
        readFileSync(path, "utf8") === text,
        `${path} is stale: run npx tsx scripts/ci/sync-k8s-monitoring.ts`,
      );
    }
    const production = kustomize("k8s/overlays/production");
    assert.equal(ofKind(production, "PrometheusRule")[0]?.spec.groups, rules.groups);
    const dashboard = ofKind(production, "ConfigMap").find(
      (c) => c.metadata.name === "tabula-grafana-dashboard",
    );
    assert.equal(
      JSON.parse(dashboard?.data?.["tabula-server.json"] ?? "{}"),
      JSON.parse(readFileSync("monitoring/grafana/tabula-dashboard.json", "utf8")),
    );
  },
);

test.run();
