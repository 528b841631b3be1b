// `tabula monitor` and `tabula log export` on a prediction log written by the server's real log writer (SQLite,
// its writer thread) for a packaged model: traffic drawn from the training distribution raises no drift, a shifted
// feature is found; live error and the labelled export agree with the feedback sent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PredictionLog } from "../../serve/prediction-log.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import type { CommandIo } from "../../src/cli/command.js";
import { run as logCommand } from "../../src/cli/commands/log.js";
import { run as monitorCommand } from "../../src/cli/commands/monitor.js";
import { createRandom, type Random } from "../../src/ml/random.js";
import type { MonitorReport } from "../../src/monitor/monitor-report.js";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { tempDir } from "../serve/support/harness.js";

const temp = tempDir("monitor");
test.after(() => temp.remove());

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { cwd, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  return { io, out, err };
}

/** A value drawn from the reference histogram itself: a bin by its proportion, then a point inside it. */
function sampleFeature(manifest: Manifest, name: string, random: Random): number | string {
  const drift = manifest.drift.features[name];
  if (drift === undefined) throw new Error(`no drift reference for ${name}`);
  let u = random.next();
  let bin = 0;
  while (bin < drift.proportions.length - 1 && u >= (drift.proportions[bin] as number))
    u -= drift.proportions[bin++] as number;
  if (drift.categories !== undefined)
    return drift.categories[Math.min(bin, drift.categories.length - 1)] as number | string;
  const edges = drift.edges ?? [];
  const low = bin === 0 ? (edges[0] ?? 0) - 1 : (edges[bin - 1] as number);
  const high = bin === edges.length ? (edges[edges.length - 1] ?? 0) + 1 : (edges[bin] as number);
  return low + (high - low) * (0.01 + 0.98 * random.next());
}

/** The tensor row a server builds: numbers as they are, a string category as its index in the manifest. */
function tensorRow(manifest: Manifest, features: Record<string, number | string>): number[] {
  return manifest.features.map((feature) => {
    const value = features[feature.name] as number | string;
    return typeof value === "string" ? (feature.categories ?? []).indexOf(value) : value;
  });
}

async function writeLog(
  dir: string,
  manifest: Manifest,
  options: { requests: number; rowsPerRequest: number; shift?: string; seed: number },
) {
  const log = new PredictionLog(
    {
      dataDir: dir,
      maxQueuedRows: 100_000,
      flushMs: 10,
      retentionDays: 0,
      maxRequests: 0,
      maxFeatureRows: 0,
    },
    { onDropped: () => {}, onWritten: () => {}, onError: (message) => assert.unreachable(message) },
  );
  assert.equal(await log.start(), { ok: true });
  const random = createRandom(options.seed);
  const time = Date.parse("2026-11-30T12:00:00Z");
  const sent: { features: Record<string, number | string>; prediction: number }[] = [];
  for (let r = 0; r < options.requests; r++) {
    const instances = Array.from({ length: options.rowsPerRequest }, () => {
      const features: Record<string, number | string> = {};
      for (const feature of manifest.features)
        features[feature.name] = sampleFeature(manifest, feature.name, random);
      if (options.shift !== undefined) features[options.shift] = 1e6;
      return features;
    });
    const predictions = instances.map(() => Math.round(random.next() * 1000) / 10);
    instances.forEach((features, i) => {
      sent.push({ features, prediction: predictions[i] as number });
    });
    log.record(
      {
        requestId: `req-${r}`,
        time: time + r * 1000,
        version: manifest.version,
        rows: instances.length,
        request: new TextEncoder().encode(JSON.stringify({ instances })),
        predictions: JSON.stringify(predictions),
        latencyMs: 1,
        features: Float32Array.from(instances.flatMap((features) => tensorRow(manifest, features))),
      },
      manifest.features,
    );
  }
  // Ground truth for the even requests: prediction + 2, so MAE = RMSE = 2.
  for (let r = 0; r < options.requests; r += 2) {
    const actual = Array.from(
      { length: options.rowsPerRequest },
      (_, i) => (sent[r * options.rowsPerRequest + i]?.prediction ?? 0) + 2,
    );
    const result = await log.feedback(`req-${r}`, undefined, actual);
    assert.ok(result.ok && result.matches.length === options.rowsPerRequest);
  }
  await log.close();
  return sent;
}

test("traffic like the training data: no drift; live MAE and RMSE from the feedback; labelled rows counted", async () => {
  const packageDir = join(temp.dir, "steady", "package");
  const { manifest } = await buildRegressionPackage(packageDir);
  const logDir = join(temp.dir, "steady", ".serve-data");
  await writeLog(logDir, manifest, { requests: 100, rowsPerRequest: 5, seed: 3 });
  const { io, out, err } = captureIo(join(temp.dir, "steady"));
  assert.is(await monitorCommand([], io), 0, err.join(""));
  const report = JSON.parse(
    readFileSync(join(temp.dir, "steady", "reports/monitor/monitor.json"), "utf8"),
  ) as MonitorReport;
  assert.is(report.performance.predictions, 500);
  assert.is(report.performance.labelled, 250);
  assert.is(report.performance.waitingForLabels, 250);
  assert.ok(Math.abs((report.performance.mae ?? 0) - 2) < 1e-9, `mae ${report.performance.mae}`);
  assert.ok(Math.abs((report.performance.rmse ?? 0) - 2) < 1e-9);
  assert.equal(
    report.drift.features.map((feature) => feature.name),
    manifest.features.map((feature) => feature.name),
  );
  assert.equal(
    report.drift.features.filter((feature) => feature.drifted).map((feature) => feature.name),
    [],
    JSON.stringify(report.drift.features),
  );
  assert.match(out.join(""), /500 predictions .* 250 labelled, 250 waiting for labels/);
  const html = readFileSync(join(temp.dir, "steady", "reports/monitor/monitor.html"), "utf8");
  assert.match(html, /<svg/);
  assert.match(html, /live performance/);
});

test("a feature far outside its training range is found drifted, with its test and threshold", async () => {
  const root = join(temp.dir, "shifted");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const numeric = manifest.features.find(
    (feature) => feature.kind === "numeric" && feature.date === undefined,
  );
  assert.ok(numeric, "the fixture has a numeric feature");
  await writeLog(join(root, ".serve-data"), manifest, {
    requests: 60,
    rowsPerRequest: 5,
    shift: numeric.name,
    seed: 4,
  });
  const { io } = captureIo(root);
  assert.is(await monitorCommand(["--out", "out"], io), 0);
  const report = JSON.parse(readFileSync(join(root, "out/monitor.json"), "utf8")) as MonitorReport;
  const found = report.drift.features.find((feature) => feature.name === numeric.name);
  assert.ok(found?.drifted, JSON.stringify(found));
  assert.ok(found.test === "ks" || found.test === "wasserstein");
  assert.equal(
    report.drift.features.filter((feature) => feature.drifted).map((feature) => feature.name),
    [numeric.name],
  );
});

test("log export --labelled: the training columns, the features as sent, the ground truth as the target", async () => {
  const root = join(temp.dir, "export");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const sent = await writeLog(join(root, ".serve-data"), manifest, {
    requests: 10,
    rowsPerRequest: 2,
    seed: 5,
  });
  const { io, out } = captureIo(root);
  assert.is(await logCommand(["export", "--labelled", "--out", "labelled.csv"], io), 0);
  assert.match(
    out.join(""),
    /10 rows exported, 10 without a label or named features left out to labelled.csv/,
  );
  const lines = readFileSync(join(root, "labelled.csv"), "utf8").trimEnd().split("\n");
  const header = lines[0]?.split(",") ?? [];
  assert.equal(header, [...manifest.features.map((feature) => feature.name), manifest.target.name]);
  assert.is(lines.length, 11);
  const first = lines[1]?.split(",") ?? [];
  const expected = sent[0] as (typeof sent)[number];
  assert.equal(
    first.slice(0, -1),
    manifest.features.map((feature) => String(expected.features[feature.name])),
  );
  assert.is(Number(first.at(-1)), expected.prediction + 2);
});

test("log export --processed: the model's input as it ran (the features table), by manifest feature", async () => {
  const root = join(temp.dir, "processed");
  const { manifest } = await buildRegressionPackage(join(root, "package"));
  const sent = await writeLog(join(root, ".serve-data"), manifest, {
    requests: 4,
    rowsPerRequest: 3,
    seed: 6,
  });
  const { io, out } = captureIo(root);
  assert.is(await logCommand(["export", "--processed", "--out", "processed.csv"], io), 0);
  assert.match(out.join(""), /^12 rows exported to processed.csv/);
  const lines = readFileSync(join(root, "processed.csv"), "utf8").trimEnd().split("\n");
  assert.equal(lines[0]?.split(","), [
    ...manifest.features.map((feature) => feature.name),
    manifest.target.name,
  ]);
  for (const [i, line] of lines.slice(1).entries()) {
    const expected = sent[i] as (typeof sent)[number];
    const tensor = tensorRow(manifest, expected.features).map((value) => String(Math.fround(value)));
    const cells = line.split(",");
    assert.equal(cells.slice(0, -1), tensor, `row ${i}`);
    const request = Math.floor(i / 3);
    assert.is(
      cells.at(-1),
      request % 2 === 0 ? String(expected.prediction + 2) : "",
      "the label where it arrived",
    );
  }
});

test("bad input: a missing log names the file and the option; a bad --since is a usage error", async () => {
  const root = join(temp.dir, "errors");
  await buildRegressionPackage(join(root, "package"));
  const missing = captureIo(root);
  assert.is(await monitorCommand([], missing.io), 1);
  assert.match(missing.err.join(""), /predictions\.sqlite: no prediction log here .*--log FILE/);
  const usage = captureIo(root);
  assert.is(await monitorCommand(["--since", "yesterday"], usage.io), 2);
  assert.match(usage.err.join(""), /--since yesterday: give an ISO date/);
});

test.run();
