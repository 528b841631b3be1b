// A prediction log filled with synthetic traffic for a model's manifest, through the real PredictionLog and its
// writer thread: features drawn from the manifest's training histograms (optionally one shifted far out), random
// predictions, the tensor rows a server would log, and ground truth (prediction + 2) for every other request.
// Used by test/monitor and bench/monitor.ts.
import { PredictionLog } from "../../serve/prediction-log.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import { createRandom, type Random } from "../../src/ml/random.js";

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
export function tensorRow(manifest: Manifest, features: Record<string, number | string>): number[] {
  return manifest.features.map((feature) => {
    const value = features[feature.name] as number | string;
    return typeof value === "string" ? (feature.categories ?? []).indexOf(value) : value;
  });
}

export async function writeSyntheticLog(
  dir: string,
  manifest: Manifest,
  options: { requests: number; rowsPerRequest: number; shift?: string; seed: number },
) {
  const log = new PredictionLog(
    {
      dataDir: dir,
      maxQueuedRows: options.requests * options.rowsPerRequest + 1,
      flushMs: 10,
      retentionDays: 0,
      maxRequests: 0,
      maxFeatureRows: 0,
    },
    {
      onDropped: (rows, reason) => {
        throw new Error(`${rows} rows dropped: ${reason}`);
      },
      onWritten: () => {},
      onError: (message) => {
        throw new Error(message);
      },
    },
  );
  const started = await log.start();
  if (!started.ok) throw new Error(started.error.message);
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
    if (!result.ok || result.value.length !== options.rowsPerRequest)
      throw new Error(`feedback for req-${r} did not join: ${JSON.stringify(result)}`);
  }
  await log.close();
  return sent;
}
