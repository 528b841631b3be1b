// The golden-row check: a packaged model must reproduce the outputs its manifest recorded at package time. The
// registry runs it before accepting or promoting a version and the server before a model may serve, with the same
// rule, so a model cannot pass one and fail the other.
//
// The tolerance: the expected values are the model's own float32 outputs, so another CPU's onnxruntime can differ
// only by float32 rounding, which is relative to the value's size. A value passes when
// |got − expected| ≤ GOLDEN_TOLERANCE · max(1, |expected|) (probabilities are ≤ 1, so for them it is 1e-5 absolute),
// and a classification row must give the same label.
import { err, ok, type Result } from "../result.js";
import type { GoldenRow } from "./manifest.js";

export const GOLDEN_TOLERANCE = 1e-5;

/** What the model gave for one golden row: regression a number, classification a label and probabilities. */
export type GoldenOutput =
  | { prediction: number | undefined }
  | { label: string | number | undefined; probabilities: ArrayLike<number> };

export interface GoldenReport {
  rows: number;
  /** The largest |got − expected| over every value compared. */
  maxAbsDiff: number;
}

export interface GoldenMismatch {
  kind: "golden-mismatch";
  row: number;
  message: string;
}

export function goldenTolerance(expected: number): number {
  return GOLDEN_TOLERANCE * Math.max(1, Math.abs(expected));
}

function mismatch(row: number, message: string): Result<never, GoldenMismatch> {
  return err({ kind: "golden-mismatch", row, message: `golden row ${row}: ${message}` });
}

/** Compares the model's outputs (`outputOf(i)` for golden row i) with the manifest's golden rows. */
export function compareGolden(
  golden: readonly GoldenRow[],
  outputOf: (row: number) => GoldenOutput,
): Result<GoldenReport, GoldenMismatch> {
  let maxAbsDiff = 0;
  for (const [i, row] of golden.entries()) {
    const expected = row.expected;
    const got = outputOf(i);
    if (typeof expected === "number") {
      const value = "prediction" in got ? got.prediction : undefined;
      const diff = typeof value === "number" ? Math.abs(value - expected) : Number.POSITIVE_INFINITY;
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
      if (!(diff <= goldenTolerance(expected)))
        return mismatch(
          i,
          `the model predicts ${JSON.stringify(value)}, the manifest expects ${expected} (tolerance ${goldenTolerance(expected)})`,
        );
      continue;
    }
    if (!("label" in got) || String(got.label) !== String(expected.label))
      return mismatch(
        i,
        `the model predicts label ${JSON.stringify("label" in got ? got.label : got.prediction)}, the manifest expects ${JSON.stringify(expected.label)}`,
      );
    for (const [k, p] of expected.probabilities.entries()) {
      const value = got.probabilities[k];
      const diff = typeof value === "number" ? Math.abs(value - p) : Number.POSITIVE_INFINITY;
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
      if (!(diff <= goldenTolerance(p)))
        return mismatch(
          i,
          `probability ${k} is ${value}, the manifest expects ${p} (tolerance ${goldenTolerance(p)})`,
        );
    }
  }
  return ok({ rows: golden.length, maxAbsDiff });
}
