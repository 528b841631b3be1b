// Golden rows for the manifest: a handful of raw inputs (typical test rows and edge cases) with the packaged model's
// own outputs, so that the server can check, when it loads the model, that its runtime reproduces them.
import type { GoldenRow } from "../artifact/manifest.js";
import type { Featurizer, RawFeature } from "../ml/features/featurizer-spec.js";
import type { ModelOutputs } from "../ml/onnx/onnx-session.js";
import type { RowSet } from "../ml/onnx/parity-rows.js";

/** A category value that no training set contains, for golden rows with an unseen category. */
export const UNSEEN_CATEGORY = "<unseen>";

/** The raw value a client would send for a tensor code (the inverse of encodeCategory; NaN → null). */
export function rawValue(input: RawFeature, code: number): number | string | null {
  if (Number.isNaN(code)) return null;
  if (input.kind === "numeric") return code;
  const categories = input.categories ?? [];
  if (categories.every((category) => typeof category === "number")) return code;
  return categories[code] ?? UNSEEN_CATEGORY;
}

export interface GoldenPick {
  set: RowSet;
  row: number;
}

/** Which rows: the first test rows, then the first edge row of each kind (missing, extremes, unseen, on a split). */
export function pickGoldenRows(test: RowSet, edge: RowSet | undefined, typical = 3): GoldenPick[] {
  const picks: GoldenPick[] = Array.from({ length: Math.min(typical, test.rows) }, (_, row) => ({
    set: test,
    row,
  }));
  for (const pattern of [
    /every nullable input missing|missing$/,
    /minimum/,
    /maximum/,
    /unseen/,
    /at the split/,
  ]) {
    const row = edge?.notes?.findIndex((note) => pattern.test(note)) ?? -1;
    if (edge && row >= 0) picks.push({ set: edge, row });
  }
  return picks;
}

export function goldenRow(
  featurizer: Featurizer,
  raw: Float32Array,
  outputs: ModelOutputs,
  row: number,
  classes: number,
  /** A date column's text in this row (models with date inputs). */
  dateText: (column: string) => string | null = () => null,
): GoldenRow {
  const width = featurizer.inputs.length;
  const features = Object.fromEntries(
    featurizer.inputs.map((input, j) =>
      input.date
        ? [input.date.column, dateText(input.date.column)]
        : [input.name, rawValue(input, raw[row * width + j] as number)],
    ),
  );
  if (outputs.prediction) return { features, expected: outputs.prediction[row] as number };
  return {
    features,
    expected: {
      label: outputs.labels?.[row] as string | number,
      probabilities: Array.from(
        (outputs.probabilities as Float32Array).subarray(row * classes, (row + 1) * classes),
      ),
    },
  };
}
