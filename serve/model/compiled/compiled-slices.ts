// Large requests on the compiled trees when onnxruntime is not loaded at all (live-model.ts): on the event loop, in
// slices of `sliceRows` rows with the loop let in between (setImmediate), so that a 4,096-row batch never holds the
// loop for more than one slice's few hundred microseconds. Outputs are the same as one run over all rows.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Executor, ModelOutputs, OutputTensor, TensorData } from "../executor.js";
import type { CompiledExecutor } from "./compiled-executor.js";

function concat(parts: readonly OutputTensor[], rows: number): OutputTensor {
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

export class CompiledSlices implements Executor {
  readonly outputNames: readonly string[];

  constructor(
    private readonly compiled: CompiledExecutor,
    private readonly width: number,
    private readonly sliceRows: number,
  ) {
    this.outputNames = compiled.outputNames;
  }

  async run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    if (rows <= this.sliceRows) return this.compiled.runSync(input, rows);
    const slices: ModelOutputs[] = [];
    for (let start = 0; start < rows; start += this.sliceRows) {
      if (start > 0) await yieldToLoop();
      const count = Math.min(this.sliceRows, rows - start);
      slices.push(
        this.compiled.runSync(input.subarray(start * this.width, (start + count) * this.width), count),
      );
    }
    const outputs: ModelOutputs = {};
    for (const name of this.outputNames)
      outputs[name] = concat(
        slices.map((slice) => slice[name] as OutputTensor),
        rows,
      );
    return outputs;
  }

  hasCapacity(): boolean {
    return true;
  }

  onCapacity(): void {}

  async close(): Promise<void> {}
}
