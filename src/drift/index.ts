// Drift statistics: pure functions over histograms, shared by the server's rolling window and `tabula monitor`.
export { chiSquared } from "./chi-squared.js";
export {
  chooseDriftTest,
  type DatasetDrift,
  DEFAULT_DRIFT_OPTIONS,
  type DriftOptions,
  type DriftTest,
  detectDrift,
  type FeatureDrift,
  type FeatureWindow,
} from "./detect-drift.js";
export { binOf, countInBins, type ReferenceHistogram, toProportions } from "./histogram.js";
export { jensenShannonDistance } from "./jensen-shannon.js";
export { kolmogorovSmirnov, type TestStatistic } from "./kolmogorov-smirnov.js";
export { adjustPValues, benjaminiHochberg, type Correction } from "./multiple-testing.js";
export { wassersteinDistance } from "./wasserstein.js";
