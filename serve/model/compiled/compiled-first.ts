// Small requests run on the compiled trees, on the event loop, at once (a few microseconds per row: less than the
// hop to an inference thread and onnxruntime's per-run overhead); larger ones go to onnxruntime (its threads, behind
// the dynamic batcher), so that a big batch never holds the event loop.
import type { BatchObserver } from "../dynamic-batcher.js";
import type { Executor, ModelOutputs } from "../executor.js";
import type { CompiledExecutor } from "./compiled-executor.js";

export class CompiledFirst implements Executor {
  readonly outputNames: readonly string[];

  constructor(
    private readonly compiled: CompiledExecutor,
    private readonly fallback: Executor,
    private readonly maxRows: number,
    private readonly observer: BatchObserver,
  ) {
    this.outputNames = fallback.outputNames;
  }

  run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    if (rows > this.maxRows) return this.fallback.run(input, rows);
    const started = performance.now();
    const outputs = this.compiled.runSync(input, rows);
    this.observer.onRun(rows, 1, (performance.now() - started) / 1000);
    return Promise.resolve(outputs);
  }

  hasCapacity(): boolean {
    return this.fallback.hasCapacity();
  }

  onCapacity(listener: () => void): void {
    this.fallback.onCapacity(listener);
  }

  close(): Promise<void> {
    return this.fallback.close();
  }
}
