// The drift reference the server compares live traffic with: per raw feature, the training histogram from the data
// profile (as proportions), and the distribution of the model's predictions on the training rows (a seeded sample of
// package-model.ts DRIFT_ROWS of them when there are more).
import type { DriftReference } from "../artifact/manifest.js";
import type { Profile } from "../ml/data/profile.js";
import type { Featurizer } from "../ml/features/featurizer-spec.js";
import { inputProfiles } from "../ml/onnx/parity-rows.js";

const PREDICTION_BINS = 10;

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (total === 0 ? 0 : count / total));
}

export function featureDrift(featurizer: Featurizer, profile: Profile): Record<string, DriftReference> {
  const columns = inputProfiles(featurizer, profile);
  return Object.fromEntries(
    featurizer.inputs.map((input, j) => {
      const column = columns[j] as Profile["features"][number];
      if (input.kind === "categorical") {
        const categories = input.categories ?? column.categories?.values ?? [];
        const seen = new Map(
          (column.categories?.values ?? []).map((value, k) => [value, column.categories?.counts[k] ?? 0]),
        );
        // The last bin is for categories never seen in training: 0 by construction.
        const counts = categories.map((c) => seen.get(c) ?? 0);
        return [
          input.name,
          {
            categories,
            proportions: [...proportions(counts), 0],
            rows: counts.reduce((sum, c) => sum + c, 0),
          },
        ];
      }
      const bins = column.bins ?? { edges: [], counts: [column.count - column.missing] };
      const rows = bins.counts.reduce((sum, count) => sum + count, 0);
      const std = column.std === undefined ? {} : { std: column.std };
      return [input.name, { edges: bins.edges, proportions: proportions(bins.counts), rows, ...std }];
    }),
  );
}

/** Bin i holds values in (edges[i-1], edges[i]]; the first and last bins are open-ended (as in the profile). */
export function binIndex(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= (edges[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Regression: quantile bins of the training predictions. */
export function regressionPredictionDrift(predictions: ArrayLike<number>): DriftReference {
  const sorted = Float64Array.from(predictions).sort();
  const edges: number[] = [];
  for (let k = 1; k < PREDICTION_BINS; k++) {
    const edge = sorted[Math.floor((k * (sorted.length - 1)) / PREDICTION_BINS)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of sorted) counts[binIndex(edges, value)] = (counts[binIndex(edges, value)] as number) + 1;
  return { edges, proportions: proportions(counts), rows: sorted.length };
}

/** Classification: the share of each predicted class, plus an empty last bin (as for categorical features). */
export function classificationPredictionDrift(
  labels: readonly (string | number)[],
  classes: readonly (string | number)[],
): DriftReference {
  const counts = classes.map((label) => labels.filter((predicted) => predicted === label).length);
  return { categories: [...classes], proportions: [...proportions(counts), 0], rows: labels.length };
}
