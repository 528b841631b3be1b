// Before a model may serve, it must reproduce the golden predictions the package stage stored in its manifest:
// the same check that passed at package time, now with this machine's onnxruntime (onnxruntime#4130 is why).
// The comparison and its tolerance are the model contract's (src/artifact/golden.ts), the registry's too.
import { compareGolden, type GoldenReport } from "../../src/artifact/golden.js";
import type { Manifest } from "../../src/artifact/manifest.js";
import type { FeatureValidator } from "../validate.js";
import type { Executor, OutputTensor } from "./executor.js";
import { type Loaded, loadError, loaded } from "./load-error.js";
import type { PredictionDecoder } from "./predictions.js";

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
      "golden-mismatch",
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
    return loadError("session-failed", `the model failed on its golden rows: ${(error as Error).message}`);
  }
  // The graph's own label output must agree too, or OIP clients (who read it) and /predict would disagree.
  if (labelOutput) {
    for (const [i, golden] of manifest.golden.entries()) {
      if (typeof golden.expected === "number") continue;
      const graphLabel = labelOutput.data[i];
      if (
        String(typeof graphLabel === "bigint" ? Number(graphLabel) : graphLabel) !==
        String(golden.expected.label)
      )
        return loadError(
          "golden-mismatch",
          `golden row ${i}: the model's label output says ${JSON.stringify(String(graphLabel))}, the manifest expects ${JSON.stringify(golden.expected.label)} (are the class weights exported the way onnxruntime decides binary labels?)`,
        );
    }
  }
  const compared = compareGolden(manifest.golden, (i) => {
    const got = decoded.values[i];
    if (typeof got === "object") return { label: got.label, probabilities: Object.values(got.probabilities) };
    return { prediction: got };
  });
  if (!compared.ok) return loadError("golden-mismatch", compared.error.message);
  return loaded(compared.value);
}
