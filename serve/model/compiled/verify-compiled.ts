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

export async function verifyCompiled(
  manifest: Manifest,
  goldenTensor: Float32Array,
  compiled: CompiledExecutor,
  reference: Executor,
): Promise<CompiledVerdict> {
  const sets: [string, Float32Array][] = [
    ["golden", goldenTensor],
    ["parity", parityRows(manifest.features, PARITY_ROWS)],
  ];
  let rows = 0;
  let maxAbsDiff = 0;
  for (const [label, tensor] of sets) {
    const count = tensor.length / manifest.features.length;
    const expected = await reference.run(tensor, count);
    // One row at a time too: the request path runs single rows, and must agree on them as on the batch.
    const whole = compareOutputs(expected, compiled.runSync(tensor, count), count, label);
    if (!whole.ok) return whole;
    const width = manifest.features.length;
    for (let r = 0; r < Math.min(count, 64); r++) {
      const single = await reference.run(tensor.subarray(r * width, (r + 1) * width), 1);
      const verdict = compareOutputs(
        single,
        compiled.runSync(tensor.subarray(r * width, (r + 1) * width), 1),
        1,
        `${label} row ${r} alone:`,
      );
      if (!verdict.ok) return verdict;
    }
    rows += count;
    maxAbsDiff = Math.max(maxAbsDiff, whole.value.maxAbsDiff);
  }
  return ok({ rows, maxAbsDiff });
}
