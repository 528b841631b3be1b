// The compiled model as an Executor: runs synchronously on the calling thread (the event loop) and returns its
// outputs in onnxruntime's shapes and types (float32, float64, int64 as BigInt64Array, strings).
import type { Executor, ModelOutputs, TensorData } from "../executor.js";
import type { CompiledGraph, CompiledOutput } from "./compile-graph.js";

function allocate(output: CompiledOutput, size: number): TensorData {
  switch (output.type) {
    case "float":
      return new Float32Array(size);
    case "double":
      return new Float64Array(size);
    case "int64":
      return new BigInt64Array(size);
    default:
      return new Array<string>(size);
  }
}

const ONNX_TYPE = {
  float: "float32",
  double: "float64",
  int64: "int64",
  string: "string",
  bool: "bool",
} as const;

export class CompiledExecutor implements Executor {
  readonly outputNames: readonly string[];

  constructor(private readonly graph: CompiledGraph) {
    this.outputNames = graph.outputs.map((output) => output.name);
  }

  runSync(input: Float32Array, rows: number): ModelOutputs {
    const { outputs } = this.graph;
    const targets = outputs.map((output) => allocate(output, rows * output.width));
    this.graph.run(input, rows, targets);
    const result: ModelOutputs = {};
    outputs.forEach((output, k) => {
      result[output.name] = {
        type: ONNX_TYPE[output.type],
        dims: output.rank === 2 ? [rows, output.width] : [rows],
        data: targets[k] as TensorData,
      };
    });
    return result;
  }

  run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    return Promise.resolve(this.runSync(input, rows));
  }

  hasCapacity(): boolean {
    return true;
  }

  onCapacity(): void {}

  async close(): Promise<void> {}
}
