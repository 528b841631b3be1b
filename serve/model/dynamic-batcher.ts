// Dynamic batching, as Triton's dynamic batcher does it: requests that arrive while every inference thread is busy
// (or within the same turn of the event loop) wait in a queue, and the queue goes to the next free thread as one
// run of up to `maxBatchRows` rows. Under light load a request runs at once (a batch of one); under heavy load the
// batches grow, which is where onnxruntime's per-call overhead is amortised. With maxBatchRows = 0 every request
// runs on its own (the executor queues it), which the benchmark compares against.
import { type Executor, type ModelOutputs, sliceOutputs } from "./executor.js";

interface Queued {
  input: Float32Array;
  rows: number;
  resolve: (outputs: ModelOutputs) => void;
  reject: (error: Error) => void;
}

export interface BatchObserver {
  /** Called once per run with the rows in it and its duration in seconds. */
  onRun(rows: number, requests: number, seconds: number): void;
}

export class DynamicBatcher implements Executor {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly executor: Executor,
    private readonly width: number,
    private readonly maxBatchRows: number,
    private readonly observer: BatchObserver,
  ) {
    executor.onCapacity(() => this.dispatch());
  }

  get outputNames(): readonly string[] {
    return this.executor.outputNames;
  }

  run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    return new Promise((resolve, reject) => {
      if (this.maxBatchRows === 0) {
        void this.execute([{ input, rows, resolve, reject }], rows);
        return;
      }
      this.queue.push({ input, rows, resolve, reject });
      if (!this.scheduled) {
        // Give the other requests already read in this turn of the event loop a chance to join the batch.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.executor.hasCapacity()) {
      let rows = 0;
      let count = 0;
      while (count < this.queue.length) {
        const next = (this.queue[count] as Queued).rows;
        if (count > 0 && rows + next > this.maxBatchRows) break;
        rows += next;
        count++;
      }
      const batch = this.queue.splice(0, count);
      void this.execute(batch, rows);
    }
  }

  private async execute(batch: Queued[], rows: number): Promise<void> {
    let input: Float32Array;
    if (batch.length === 1) input = (batch[0] as Queued).input;
    else {
      input = new Float32Array(rows * this.width);
      let offset = 0;
      for (const item of batch) {
        input.set(item.input, offset);
        offset += item.input.length;
      }
    }
    const started = process.hrtime.bigint();
    let outputs: ModelOutputs;
    try {
      outputs = await this.executor.run(input, rows);
    } catch (error) {
      for (const item of batch) item.reject(error as Error);
      return;
    }
    this.observer.onRun(rows, batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    if (batch.length === 1) {
      (batch[0] as Queued).resolve(outputs);
      return;
    }
    let start = 0;
    for (const item of batch) {
      item.resolve(sliceOutputs(outputs, rows, start, item.rows));
      start += item.rows;
    }
  }

  hasCapacity(): boolean {
    return this.executor.hasCapacity();
  }

  onCapacity(): void {
    // The batcher owns its executor's capacity signal.
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
