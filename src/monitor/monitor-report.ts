// `tabula monitor`'s report: drift of the logged traffic against the model's training profile (the test per feature
// chosen as the server's window chooses it) and live performance where ground truth has arrived.
import { featureHistograms } from "../artifact/drift-histograms.js";
import type { Manifest } from "../artifact/manifest.js";
import {
  type DatasetDrift,
  DEFAULT_DRIFT_OPTIONS,
  type DriftOptions,
  detectDrift,
} from "../drift/detect-drift.js";
import type { LoggedRow } from "./logged-rows.js";
import { type LivePerformance, livePerformance } from "./performance.js";

export interface MonitorReport {
  model: { name: string; version: string };
  window: { since: string | null; until: string | null; versions: string[] };
  /** Rows whose features could be read by name (requests that sent a raw tensor are counted but not tested). */
  rowsWithFeatures: number;
  drift: DatasetDrift;
  performance: LivePerformance;
}

export function monitorReport(
  manifest: Manifest,
  rows: readonly LoggedRow[],
  options: DriftOptions = DEFAULT_DRIFT_OPTIONS,
): MonitorReport {
  const histograms = featureHistograms(manifest);
  const counts = histograms.map((histogram) =>
    new Array<number>(histogram.reference.proportions.length).fill(0),
  );
  let rowsWithFeatures = 0;
  for (const row of rows) {
    if (row.features === undefined) continue;
    rowsWithFeatures++;
    for (const [j, histogram] of histograms.entries()) {
      const bin = histogram.binOfRaw(row.features);
      const live = counts[j] as number[];
      if (bin !== undefined && bin < live.length) live[bin] = (live[bin] as number) + 1;
    }
  }
  const drift = detectDrift(
    histograms.map((histogram, j) => ({
      name: histogram.name,
      reference: histogram.reference,
      live: counts[j] as number[],
    })),
    options,
  );
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    first = Math.min(first, row.time);
    last = Math.max(last, row.time);
  }
  return {
    model: { name: manifest.name, version: manifest.version },
    window: {
      since: rows.length === 0 ? null : new Date(first).toISOString(),
      until: rows.length === 0 ? null : new Date(last).toISOString(),
      versions: [...new Set(rows.map((row) => row.version))].sort(),
    },
    rowsWithFeatures,
    drift,
    performance: livePerformance(rows, manifest.task),
  };
}
