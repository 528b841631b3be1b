// Before a model may serve, it must reproduce the golden predictions the package stage stored in its manifest:
// the same check that passed at package time, now with this machine's onnxruntime (onnxruntime#4130 is why).
// Tolerances are the package stage's parity budget: regression 1e-4 × the target's standard deviation,
// classification the same labels and probabilities within 1e-5.
import type { Manifest } from "../../src/artifact/manifest.js";
import type { FeatureValidator } from "../validate.js";
import type { Executor, OutputTensor } from "./executor.js";
import { type Loaded, loadError, loaded } from "./load-error.js";
import type { PredictionDecoder } from "./predictions.js";

export interface GoldenReport {
  rows: number;
  maxAbsDiff: number;
}

export async function checkGolden(
  manifest: Manifest,
  validator: FeatureValidator,
  executor: Executor,
  decoder: PredictionDecoder,
): Promise<Loaded<GoldenReport>> {
  let encoded: ReturnType<FeatureValidator["encodeRows"]>;
  try {
    encoded = validator.encodeRows(manifest.golden.map((row) => row.features));
  } catch (error) {
    return loadError(
      "golden_mismatch",
      `the manifest's golden rows do not fit its own schema: ${(error as Error).message}`,
    );
  }
  let decoded: ReturnType<PredictionDecoder["decode"]>;
  let labelOutput: OutputTensor | undefined;
  try {
    const outputs = await executor.run(encoded.tensor, encoded.rows);
    decoded = decoder.decode(outputs, encoded.rows);
    labelOutput =
      manifest.onnx.outputs.label === undefined ? undefined : outputs[manifest.onnx.outputs.label];
  } catch (error) {
    return loadError("session_failed", `the model failed on its golden rows: ${(error as Error).message}`);
  }
  const tolerance = manifest.task === "regression" ? 1e-4 * (manifest.target.std ?? 1) : 1e-5;
  let maxAbsDiff = 0;
  for (const [i, golden] of manifest.golden.entries()) {
    const got = decoded.values[i];
    const expected = golden.expected;
    if (typeof expected === "number") {
      const diff = typeof got === "number" ? Math.abs(got - expected) : Number.POSITIVE_INFINITY;
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      if (!(diff <= tolerance))
        return loadError(
          "golden_mismatch",
          `golden row ${i}: the model predicts ${JSON.stringify(got)}, the manifest expects ${expected} (tolerance ${tolerance})`,
        );
      continue;
    }
    // The graph's own label output must agree too, or OIP clients (who read it) and /predict would disagree.
    const graphLabel = labelOutput ? labelOutput.data[i] : expected.label;
    if (String(typeof graphLabel === "bigint" ? Number(graphLabel) : graphLabel) !== String(expected.label))
      return loadError(
        "golden_mismatch",
        `golden row ${i}: the model's label output says ${JSON.stringify(String(graphLabel))}, the manifest expects ${JSON.stringify(expected.label)} (are the class weights exported the way onnxruntime decides binary labels?)`,
      );
    if (typeof got !== "object" || got.label !== expected.label)
      return loadError(
        "golden_mismatch",
        `golden row ${i}: the model predicts label ${JSON.stringify(typeof got === "object" ? got.label : got)}, the manifest expects ${JSON.stringify(expected.label)}`,
      );
    const probabilities = Object.values(got.probabilities);
    for (const [k, p] of expected.probabilities.entries()) {
      const diff = Math.abs((probabilities[k] ?? Number.NaN) - p);
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
      if (!(diff <= tolerance))
        return loadError(
          "golden_mismatch",
          `golden row ${i}: probability ${k} is ${probabilities[k]}, the manifest expects ${p} (tolerance ${tolerance})`,
        );
    }
  }
  return loaded({ rows: manifest.golden.length, maxAbsDiff });
}
