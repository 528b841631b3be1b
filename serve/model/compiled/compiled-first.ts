// Small requests run on the compiled trees, on the event loop (a few microseconds per row: less than the hop to an
// inference thread and onnxruntime's per-run overhead); larger ones go to onnxruntime (its threads, behind the
// dynamic batcher), so that a big batch never holds the event loop. The compiled path is itself behind a dynamic
// batcher: the small requests read in one turn of the event loop run together once that turn's reading is done,
// not each as its own body arrives. Answering each at once measured about twice the server's CPU per request
// (209 against 95 µs on the event loop under 32 connections, serve/README.md): the loop then turns once per request
// instead of once per burst, and every turn's fixed costs are paid per request.
import type { Executor, ModelOutputs } from "../executor.js";

export class CompiledFirst implements Executor {
  readonly outputNames: readonly string[];

  constructor(
    /** The compiled trees behind their own dynamic batcher. */
    private readonly compiled: Executor,
    private readonly fallback: Executor,
    private readonly maxRows: number,
  ) {
    this.outputNames = fallback.outputNames;
  }

  run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    return rows > this.maxRows ? this.fallback.run(input, rows) : this.compiled.run(input, rows);
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
