// The parity check: the ONNX model, run by onnxruntime, against the JS model on the same raw rows.
// Regression: max |onnx - js| ≤ tolerance (1e-4 × the target's std by default).
// Classification: identical labels, and every probability within tolerance (1e-5 by default).
import type * as ort from "onnxruntime-node";
import type { Featurizer } from "../features/featurizer-spec.js";
import type { TreeEnsemble } from "../models/tree-ensemble.js";
import { runModel } from "./onnx-session.js";
import type { RowSet } from "./parity-rows.js";
import { classCount, referencePredict } from "./reference-model.js";

export interface ParityTolerance {
  /** Regression: the largest allowed |onnx - js|. */
  prediction: number;
  /** Classification: the largest allowed |onnx - js| of a probability. */
  probability: number;
}

export interface ParitySetResult {
  name: string;
  rows: number;
  /** Regression: max |onnx - js| of the prediction; classification: of any probability. */
  maxAbsDiff: number;
  labelMismatches: number;
}

export interface ParityMismatch {
  set: string;
  row: number;
  note?: string;
  features: Record<string, number | null>;
  expected: number | string | (number | string)[];
  actual: number | string | (number | string)[];
  reason: string;
}

export interface ParityReport {
  passed: boolean;
  task: "regression" | "classification";
  tolerance: ParityTolerance;
  rows: number;
  maxAbsDiff: number;
  labelMismatches: number;
  sets: ParitySetResult[];
  /** The first few rows outside tolerance, for the report. */
  mismatches: ParityMismatch[];
}

const REPORTED_MISMATCHES = 5;

function rowFeatures(featurizer: Featurizer, set: RowSet, row: number): Record<string, number | null> {
  const width = featurizer.inputs.length;
  return Object.fromEntries(
    featurizer.inputs.map((input, j) => {
      const value = set.raw[row * width + j] as number;
      return [input.name, Number.isNaN(value) ? null : value];
    }),
  );
}

export async function checkParity(
  session: ort.InferenceSession,
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  sets: RowSet[],
  tolerance: ParityTolerance,
): Promise<ParityReport> {
  const width = featurizer.inputs.length;
  const results: ParitySetResult[] = [];
  const mismatches: ParityMismatch[] = [];
  const note = (set: RowSet, row: number) => (set.notes?.[row] ? { note: set.notes[row] } : {});

  for (const set of sets) {
    const expected = referencePredict(featurizer, ensemble, set.raw);
    const actual = await runModel(session, set.raw, width);
    let maxAbsDiff = 0;
    let labelMismatches = 0;
    if (ensemble.task === "regression") {
      const want = expected.prediction as Float64Array;
      const got = actual.prediction as Float32Array;
      for (let i = 0; i < set.rows; i++) {
        const diff = Math.abs((got[i] as number) - (want[i] as number));
        // NaN must match NaN; a NaN on one side only is a mismatch of infinite size.
        const size = Number.isNaN(diff)
          ? Number.isNaN(got[i]) && Number.isNaN(want[i])
            ? 0
            : Infinity
          : diff;
        maxAbsDiff = Math.max(maxAbsDiff, size);
        if (size > tolerance.prediction && mismatches.length < REPORTED_MISMATCHES)
          mismatches.push({
            set: set.name,
            row: i,
            ...note(set, i),
            features: rowFeatures(featurizer, set, i),
            expected: want[i] as number,
            actual: got[i] as number,
            reason: `|diff| = ${size} > ${tolerance.prediction}`,
          });
      }
    } else {
      const k = classCount(ensemble);
      const want = expected.probabilities as Float64Array;
      const got = actual.probabilities as Float32Array;
      for (let i = 0; i < set.rows; i++) {
        let rowDiff = 0;
        for (let j = 0; j < k; j++) {
          const diff = Math.abs((got[i * k + j] as number) - (want[i * k + j] as number));
          rowDiff = Math.max(rowDiff, Number.isNaN(diff) ? Infinity : diff);
        }
        maxAbsDiff = Math.max(maxAbsDiff, rowDiff);
        const labelDiffers = actual.labels?.[i] !== expected.labels?.[i];
        if (labelDiffers) labelMismatches++;
        if ((labelDiffers || rowDiff > tolerance.probability) && mismatches.length < REPORTED_MISMATCHES)
          mismatches.push({
            set: set.name,
            row: i,
            ...note(set, i),
            features: rowFeatures(featurizer, set, i),
            expected: [
              expected.labels?.[i] as string | number,
              ...Array.from(want.subarray(i * k, i * k + k)),
            ],
            actual: [actual.labels?.[i] as string | number, ...Array.from(got.subarray(i * k, i * k + k))],
            reason: labelDiffers
              ? "different labels"
              : `|probability diff| = ${rowDiff} > ${tolerance.probability}`,
          });
      }
    }
    results.push({ name: set.name, rows: set.rows, maxAbsDiff, labelMismatches });
  }

  const maxAbsDiff = Math.max(0, ...results.map((result) => result.maxAbsDiff));
  const labelMismatches = results.reduce((sum, result) => sum + result.labelMismatches, 0);
  const limit = ensemble.task === "regression" ? tolerance.prediction : tolerance.probability;
  return {
    passed: maxAbsDiff <= limit && labelMismatches === 0,
    task: ensemble.task,
    tolerance,
    rows: results.reduce((sum, result) => sum + result.rows, 0),
    maxAbsDiff,
    labelMismatches,
    sets: results,
    mismatches,
  };
}

/** A report a person can act on: what was compared, the worst figures, and the first rows that differ. */
export function formatParityReport(report: ParityReport): string {
  const lines = [
    `ONNX parity ${report.passed ? "passed" : "FAILED"} on ${report.rows} rows (${report.task}; tolerance: ${
      report.task === "regression"
        ? `|prediction diff| ≤ ${report.tolerance.prediction}`
        : `identical labels, |probability diff| ≤ ${report.tolerance.probability}`
    })`,
  ];
  for (const set of report.sets)
    lines.push(
      `  ${set.name.padEnd(8)} ${String(set.rows).padStart(6)} rows  max |diff| ${set.maxAbsDiff.toExponential(3)}${
        report.task === "classification" ? `  label mismatches ${set.labelMismatches}` : ""
      }`,
    );
  for (const mismatch of report.mismatches) {
    lines.push(
      `  ${mismatch.set} row ${mismatch.row}${mismatch.note ? ` (${mismatch.note})` : ""}: ${mismatch.reason}`,
    );
    lines.push(`    js ${JSON.stringify(mismatch.expected)}  onnx ${JSON.stringify(mismatch.actual)}`);
    lines.push(`    features ${JSON.stringify(mismatch.features)}`);
  }
  return lines.join("\n");
}
