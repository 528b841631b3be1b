// The compiled trees may serve only once they give onnxruntime's outputs (the reference) on the golden rows and the
// parity rows: every float output within the model contract's tolerance (src/artifact/golden.ts), every label and
// integer output equal. The first difference is the reason the compiled path is refused.
import { goldenTolerance } from "../../../src/artifact/golden.js";
import type { Manifest } from "../../../src/artifact/manifest.js";
import { err, ok, type Result } from "../../../src/result.js";
import type { Executor, ModelOutputs } from "../executor.js";
import type { CompiledExecutor } from "./compiled-executor.js";
import { parityRows } from "./parity-rows.js";

export interface CompiledCheck {
  rows: number;
  maxAbsDiff: number;
}

/** The first difference between the compiled trees and onnxruntime. */
export type CompiledMismatch =
  | { kind: "output-missing"; message: string }
  | { kind: "output-length-differs"; message: string }
  | { kind: "value-differs"; message: string };

export type CompiledVerdict = Result<CompiledCheck, CompiledMismatch>;

const PARITY_ROWS = 1024;

function compareOutputs(
  reference: ModelOutputs,
  compiled: ModelOutputs,
  rows: number,
  label: string,
): CompiledVerdict {
  let maxAbsDiff = 0;
  for (const [name, expected] of Object.entries(reference)) {
    const got = compiled[name];
    if (!got) return err({ kind: "output-missing", message: `output ${name} is not computed` });
    if (expected.data.length !== got.data.length)
      return err({
        kind: "output-length-differs",
        message: `output ${name} has ${got.data.length} values, onnxruntime ${expected.data.length}`,
      });
    const width = expected.data.length / rows;
    for (let i = 0; i < expected.data.length; i++) {
      const a = expected.data[i];
      const b = got.data[i];
      const where = `${label} row ${Math.floor(i / width)}, output ${name}[${i % width}]`;
      if (typeof a === "number" && typeof b === "number") {
        if (Number.isNaN(a) && Number.isNaN(b)) continue;
        const diff = Math.abs(a - b);
        if (!(diff <= goldenTolerance(a)))
          return err({ kind: "value-differs", message: `${where}: compiled ${b}, onnxruntime ${a}` });
        maxAbsDiff = Math.max(maxAbsDiff, diff);
      } else if (a !== b)
        return err({
          kind: "value-differs",
          message: `${where}: compiled ${String(b)}, onnxruntime ${String(a)}`,
        });
    }
  }
  return ok({ rows, maxAbsDiff });
}

/** One run of the check: a whole set of rows, or one of its first rows alone. */
export interface VerificationRun {
  label: string;
  input: Float32Array;
  rows: number;
  /** Counted in the check's rows (the whole sets; the single rows repeat them). */
  counted: boolean;
}

/** The runs the compiled trees must agree with onnxruntime on: each set whole, then its first 64 rows one at a time. */
export function verificationRuns(manifest: Manifest, goldenTensor: Float32Array): VerificationRun[] {
  const width = manifest.features.length;
  const sets: [string, Float32Array][] = [
    ["golden", goldenTensor],
    ["parity", parityRows(manifest.features, PARITY_ROWS)],
  ];
  const runs: VerificationRun[] = [];
  for (const [label, tensor] of sets) {
    const count = tensor.length / width;
    runs.push({ label, input: tensor, rows: count, counted: true });
    // One row at a time too: the request path runs single rows, and must agree on them as on the batch.
    for (let r = 0; r < Math.min(count, 64); r++)
      runs.push({
        label: `${label} row ${r} alone:`,
        input: tensor.subarray(r * width, (r + 1) * width),
        rows: 1,
        counted: false,
      });
  }
  return runs;
}

/** The compiled trees against onnxruntime's outputs for the same runs (`expected[i]` for `runs[i]`). */
export function compareRuns(
  runs: readonly VerificationRun[],
  expected: readonly ModelOutputs[],
  compiled: CompiledExecutor,
): CompiledVerdict {
  let rows = 0;
  let maxAbsDiff = 0;
  for (const [i, run] of runs.entries()) {
    const reference = expected[i];
    if (!reference)
      return err({ kind: "output-missing", message: `no onnxruntime outputs for ${run.label}` });
    const verdict = compareOutputs(reference, compiled.runSync(run.input, run.rows), run.rows, run.label);
    if (!verdict.ok) return verdict;
    if (run.counted) rows += run.rows;
    maxAbsDiff = Math.max(maxAbsDiff, verdict.value.maxAbsDiff);
  }
  return ok({ rows, maxAbsDiff });
}

/** The check with onnxruntime in this process (`reference`): when the compiled trees serve only small requests. */
export async function verifyCompiled(
  manifest: Manifest,
  goldenTensor: Float32Array,
  compiled: CompiledExecutor,
  reference: Executor,
): Promise<CompiledVerdict> {
  const runs = verificationRuns(manifest, goldenTensor);
  const expected: ModelOutputs[] = [];
  for (const run of runs) expected.push(await reference.run(run.input, run.rows));
  return compareRuns(runs, expected, compiled);
}
