// The per-request metrics keep their series as handles instead of going through prom-client's labelled calls; the
// /metrics text and the JSON must be exactly what prom-client's own Counter and Histogram give for the same updates.
import { Counter, Histogram, Registry } from "prom-client";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SeriesCounter, SeriesHistogram } from "../../serve/observability/series-metrics.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const VALUES = [0, 0.0005, 0.001, 0.002, 0.01, 0.5, 1, 3, 0.07];

function fill(
  counter: { labels(l: { method: string; status: number }): { inc(by?: number): void } },
  histogram: { labels(l: { route: string }): { observe(v: number): void } },
): void {
  const ok = counter.labels({ method: "POST", status: 200 });
  const refused = counter.labels({ method: "GET", status: 404 });
  const predict = histogram.labels({ route: "/predict" });
  const model = histogram.labels({ route: 'odd "route"\n' });
  VALUES.forEach((value, i) => {
    ok.inc();
    if (i % 3 === 0) refused.inc(2);
    predict.observe(value);
    if (i % 2 === 0) model.observe(value * 2);
  });
}

test("the same exposition text and JSON as prom-client's Counter and Histogram", async () => {
  const reference = new Registry();
  fill(
    new Counter({ name: "c_total", help: "c.", labelNames: ["method", "status"], registers: [reference] }),
    new Histogram({ name: "h", help: "h.", labelNames: ["route"], buckets: BUCKETS, registers: [reference] }),
  );
  const ours = new Registry();
  fill(
    new SeriesCounter("c_total", "c.", ["method", "status"], ours),
    new SeriesHistogram("h", "h.", ["route"], BUCKETS, ours),
  );
  assert.is(await ours.metrics(), await reference.metrics());
  const json = async (registry: Registry) => JSON.parse(JSON.stringify(await registry.getMetricsAsJSON()));
  assert.equal(await json(ours), await json(reference));
});

test("a histogram without labels (model_prediction_value): the same text and JSON as prom-client's", async () => {
  const reference = new Registry();
  const theirs = new Histogram({ name: "v", help: "v.", buckets: BUCKETS, registers: [reference] });
  const ours = new Registry();
  const series = new SeriesHistogram("v", "v.", [], BUCKETS, ours).labels({});
  assert.is(await ours.metrics(), await reference.metrics(), "before any observation");
  for (const value of VALUES) {
    theirs.observe(value);
    series.observe(value);
  }
  assert.is(await ours.metrics(), await reference.metrics());
  const json = async (registry: Registry) => JSON.parse(JSON.stringify(await registry.getMetricsAsJSON()));
  assert.equal(await json(ours), await json(reference));
});

test("reset forgets every series", async () => {
  const registry = new Registry();
  const counter = new SeriesCounter("c_total", "c.", ["method"], registry);
  counter.labels({ method: "POST" }).inc();
  registry.resetMetrics();
  assert.not.match(await registry.metrics(), /method="POST"/);
});

test.run();
