// Per-feature drift with the test that suits the feature and the size of the reference (Evidently's defaults):
// up to `largeReference` training rows, Kolmogorov–Smirnov for numeric and chi-squared for categorical features,
// judged on p-values corrected across features; above it, where every p-value would be tiny for a shift nobody
// cares about, the normalised Wasserstein distance and the Jensen–Shannon distance against a threshold. The model
// has drifted when at least `driftShare` of its features have.
import { unreachable } from "../result.js";
import { chiSquared } from "./chi-squared.js";
import type { ReferenceHistogram } from "./histogram.js";
import { jensenShannonDistance } from "./jensen-shannon.js";
import { kolmogorovSmirnov } from "./kolmogorov-smirnov.js";
import { adjustPValues, type Correction } from "./multiple-testing.js";
import { wassersteinDistance } from "./wasserstein.js";

export type DriftTest = "ks" | "chi-squared" | "wasserstein" | "jensen-shannon";

export interface DriftOptions {
  /** Significance level for the p-value tests, after correction. */
  alpha: number;
  /** Drifted when the Wasserstein or Jensen–Shannon distance reaches this. */
  distanceThreshold: number;
  /** Reference rows above which distances replace p-value tests. */
  largeReference: number;
  correction: Correction;
  /** Share of drifted features at which the whole model counts as drifted. */
  driftShare: number;
}

export const DEFAULT_DRIFT_OPTIONS: DriftOptions = {
  alpha: 0.05,
  distanceThreshold: 0.1,
  largeReference: 1000,
  correction: "fdr",
  driftShare: 0.5,
};

export interface FeatureWindow {
  name: string;
  reference: ReferenceHistogram;
  /** Live rows per reference bin. */
  live: ArrayLike<number>;
}

export interface FeatureDrift {
  name: string;
  test: DriftTest;
  statistic: number;
  /** p-value tests only: the raw and the corrected p-value. */
  pValue?: number;
  adjustedPValue?: number;
  /** What the corrected p-value is compared with (drifted below it), or the distance (drifted at or above it). */
  threshold: number;
  drifted: boolean;
}

export interface DatasetDrift {
  features: FeatureDrift[];
  driftedShare: number;
  drifted: boolean;
}

export function chooseDriftTest(
  reference: ReferenceHistogram,
  options: DriftOptions = DEFAULT_DRIFT_OPTIONS,
): DriftTest {
  const small = reference.rows <= options.largeReference;
  if (reference.kind === "numeric") return small ? "ks" : "wasserstein";
  return small ? "chi-squared" : "jensen-shannon";
}

interface Measured {
  name: string;
  test: DriftTest;
  statistic: number;
  pValue?: number;
}

function measure(window: FeatureWindow, test: DriftTest): Measured {
  switch (test) {
    case "ks":
      return { name: window.name, test, ...kolmogorovSmirnov(window.reference, window.live) };
    case "chi-squared":
      return { name: window.name, test, ...chiSquared(window.reference, window.live) };
    case "wasserstein":
      return { name: window.name, test, statistic: wassersteinDistance(window.reference, window.live) };
    case "jensen-shannon":
      return {
        name: window.name,
        test,
        statistic: jensenShannonDistance(window.reference.proportions, window.live),
      };
    default:
      return unreachable(test);
  }
}

export function detectDrift(
  windows: readonly FeatureWindow[],
  options: DriftOptions = DEFAULT_DRIFT_OPTIONS,
): DatasetDrift {
  const measured = windows.map((window) => measure(window, chooseDriftTest(window.reference, options)));
  const tested = measured.filter(
    (feature): feature is typeof feature & { pValue: number } => "pValue" in feature,
  );
  const adjusted = new Map(
    adjustPValues(
      tested.map((feature) => feature.pValue),
      options.correction,
    ).map((p, k) => [tested[k]?.name, p]),
  );
  const features = measured.map((feature): FeatureDrift => {
    const adjustedPValue = adjusted.get(feature.name);
    if (feature.pValue !== undefined && adjustedPValue !== undefined)
      return {
        ...feature,
        adjustedPValue,
        threshold: options.alpha,
        drifted: adjustedPValue < options.alpha,
      };
    return {
      ...feature,
      threshold: options.distanceThreshold,
      drifted: feature.statistic >= options.distanceThreshold,
    };
  });
  const driftedShare = features.length === 0 ? 0 : features.filter((f) => f.drifted).length / features.length;
  return { features, driftedShare, drifted: features.length > 0 && driftedShare >= options.driftShare };
}
