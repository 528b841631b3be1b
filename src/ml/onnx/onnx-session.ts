// Running a packaged model with onnxruntime-node: session options set explicitly (intra-op threads do not follow
// cgroup limits, and the parity check wants one deterministic thread), and outputs returned as plain typed arrays.
import * as ort from "onnxruntime-node";
import { TENSOR_NAMES } from "./onnx-model.js";

export interface SessionOptions {
  /** Threads inside one run (default 1: our graphs are small, and callers parallelise across sessions). */
  intraOpThreads?: number;
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

export function sessionOptions(options: SessionOptions = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ["cpu"],
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 3,
  };
}

export function createSession(model: Uint8Array, options?: SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, sessionOptions(options));
}

export interface ModelOutputs {
  /** Regression: one value per row. */
  prediction?: Float32Array;
  /** Classification: rows × classes, row-major. */
  probabilities?: Float32Array;
  /** Classification: one label per row. */
  labels?: (string | number)[];
}

/** Runs the model on `rows` raw rows (row-major float32, rows × width). */
export async function runModel(
  session: ort.InferenceSession,
  raw: Float32Array,
  width: number,
): Promise<ModelOutputs> {
  const rows = raw.length / width;
  const input = new ort.Tensor("float32", raw, [rows, width]);
  const results = await session.run({ [TENSOR_NAMES.input]: input });
  const outputs: ModelOutputs = {};
  const prediction = results[TENSOR_NAMES.prediction];
  if (prediction) outputs.prediction = prediction.data as Float32Array;
  const probabilities = results[TENSOR_NAMES.probabilities];
  if (probabilities) outputs.probabilities = probabilities.data as Float32Array;
  const label = results[TENSOR_NAMES.label];
  if (label) {
    const data = label.data as BigInt64Array | Float64Array | string[];
    outputs.labels = Array.from(data as ArrayLike<bigint | number | string>, (value) =>
      typeof value === "bigint" ? Number(value) : value,
    );
  }
  for (const tensor of Object.values(results)) tensor.dispose();
  input.dispose();
  return outputs;
}
