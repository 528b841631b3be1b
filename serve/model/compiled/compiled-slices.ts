// Large requests on the compiled trees when onnxruntime is not loaded at all (live-model.ts): on the event loop, in
// slices of `sliceRows` rows with the loop let in between (setImmediate), so that a 4,096-row batch never holds the
// loop for more than one slice's few hundred microseconds. Outputs are the same as one run over all rows.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { concatOutputs, type Executor, type ModelOutputs } from "../executor.js";
import type { CompiledExecutor } from "./compiled-executor.js";

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
    return concatOutputs(slices, this.outputNames, rows);
  }

  hasCapacity(): boolean {
    return true;
  }

  onCapacity(): void {}

  async close(): Promise<void> {}
}
