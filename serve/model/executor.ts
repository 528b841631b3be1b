// What runs the ONNX model: a pool of worker threads (worker-pool.ts) or the event loop itself
// (inline-executor.ts), optionally behind the dynamic batcher (dynamic-batcher.ts). Everything above sees this.
import type { InferenceSession } from "onnxruntime-node";

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[]
  | boolean[];

export interface OutputTensor {
  /** onnxruntime's type name: float32, int64, string, … */
  type: string;
  dims: number[];
  data: TensorData;
}

export type ModelOutputs = Record<string, OutputTensor>;

export interface Executor {
  readonly outputNames: readonly string[];
  /** Runs the model on `rows` rows of the float32 input (row-major, rows × width). Does not keep `input`. */
  run(input: Float32Array, rows: number): Promise<ModelOutputs>;
  /** Whether a run started now would start at once rather than queue. */
  hasCapacity(): boolean;
  /** Called whenever a run finishes (capacity may be back). One listener. */
  onCapacity(listener: () => void): void;
  close(): Promise<void>;
}

export interface ThreadSettings {
  intraOpThreads: number;
  interOpThreads: number;
}

/** Threads are set explicitly: onnxruntime's defaults follow the host's cores, not the container's CPU limit. */
export function sessionOptions(threads: ThreadSettings): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads.intraOpThreads,
    interOpNumThreads: threads.interOpThreads,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  };
}

/** Rows `start..start+rows` of every output, as views (no copy). */
export function sliceOutputs(
  outputs: ModelOutputs,
  totalRows: number,
  start: number,
  rows: number,
): ModelOutputs {
  const sliced: ModelOutputs = {};
  for (const name in outputs) {
    const output = outputs[name] as OutputTensor;
    const perRow = totalRows === 0 ? 0 : output.data.length / totalRows;
    const from = start * perRow;
    const to = (start + rows) * perRow;
    const data = Array.isArray(output.data) ? output.data.slice(from, to) : output.data.subarray(from, to);
    sliced[name] = { type: output.type, dims: [rows, ...output.dims.slice(1)], data: data as TensorData };
  }
  return sliced;
}

/** The outputs of consecutive row slices as one run over all `rows` would give them (sliceOutputs' inverse). */
export function concatOutputs(
  slices: readonly ModelOutputs[],
  names: readonly string[],
  rows: number,
): ModelOutputs {
  const outputs: ModelOutputs = {};
  for (const name of names)
    outputs[name] = concatOutput(
      slices.map((slice) => slice[name] as OutputTensor),
      rows,
    );
  return outputs;
}

function concatOutput(parts: readonly OutputTensor[], rows: number): OutputTensor {
  const first = parts[0] as OutputTensor;
  const dims = [rows, ...first.dims.slice(1)];
  if (Array.isArray(first.data))
    return { type: first.type, dims, data: parts.flatMap((part) => part.data as string[]) };
  const total = parts.reduce((sum, part) => sum + part.data.length, 0);
  const Typed = first.data.constructor as new (length: number) => Exclude<TensorData, string[] | boolean[]>;
  const data = new Typed(total);
  let offset = 0;
  for (const part of parts) {
    (data as Float64Array).set(part.data as Float64Array, offset);
    offset += part.data.length;
  }
  return { type: first.type, dims, data };
}
