// A fixed pool of inference threads, each with its own onnxruntime session. A run goes to the least busy thread; a
// thread that dies fails only its own runs and is replaced.

import { unreachable } from "../../src/result.js";
import { startWorker, type WorkerThread } from "../worker-thread.js";
import type { Executor, ModelOutputs, ThreadSettings } from "./executor.js";
import type { InferenceWorkerData, RunMessage, WorkerReply } from "./inference-protocol.js";
import { type Loaded, loadError, loaded } from "./load-error.js";

interface Pending {
  resolve: (outputs: ModelOutputs) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: WorkerThread<WorkerReply>;
  ready: boolean;
  inflight: Map<number, Pending>;
}

export interface WorkerPoolOptions extends ThreadSettings {
  workers: number;
  onnx: Uint8Array;
  inputName: string;
  width: number;
  /** Whether a single session runs on the thread shared with the prediction log rather than on one of its own. */
  sharedThread: boolean;
  /** Told when a thread died and was replaced. */
  onWorkerRestart?: (reason: string) => void;
}

export class WorkerPool implements Executor {
  outputNames: readonly string[] = [];
  private readonly slots: Slot[] = [];
  private readonly options: WorkerPoolOptions;
  private nextId = 1;
  private closing = false;
  private capacityListener: () => void = () => {};

  private constructor(options: WorkerPoolOptions) {
    this.options = options;
  }

  /** Starts every thread and waits until each has created its session. */
  static async start(options: WorkerPoolOptions): Promise<Loaded<WorkerPool>> {
    const pool = new WorkerPool(options);
    const started = await Promise.all(Array.from({ length: options.workers }, () => pool.spawn()));
    const failed = started.find((result) => !result.ok);
    if (failed && !failed.ok) {
      await pool.close();
      return failed;
    }
    return loaded(pool);
  }

  private spawn(): Promise<Loaded<Slot>> {
    const data: InferenceWorkerData = {
      onnx: this.options.onnx,
      inputName: this.options.inputName,
      width: this.options.width,
      intraOpThreads: this.options.intraOpThreads,
      interOpThreads: this.options.interOpThreads,
    };
    const worker = startWorker<WorkerReply>(
      { role: "inference", data },
      {
        // Two sessions on one thread would only take turns: the thread is shared when there is one session.
        shared: this.options.sharedThread && this.options.workers === 1,
      },
    );
    const slot: Slot = { worker, ready: false, inflight: new Map() };
    this.slots.push(slot);
    return new Promise((resolve) => {
      worker.on("message", (reply: WorkerReply) => {
        switch (reply.kind) {
          case "ready":
            slot.ready = true;
            this.outputNames = reply.outputNames;
            resolve(loaded(slot));
            this.capacityListener();
            return;
          case "fatal":
            resolve(loadError("session-failed", `onnxruntime could not create a session: ${reply.message}`));
            return;
          case "done":
          case "failed": {
            const pending = slot.inflight.get(reply.id);
            slot.inflight.delete(reply.id);
            if (reply.kind === "done") pending?.resolve(reply.outputs);
            else pending?.reject(new Error(`inference failed: ${reply.message}`));
            this.capacityListener();
            return;
          }
          default:
            return unreachable(reply);
        }
      });
      const lost = (reason: string) => {
        if (!slot.ready) resolve(loadError("session-failed", `inference thread failed to start: ${reason}`));
        this.retire(slot, reason);
      };
      worker.on("error", (error) => lost(error.message));
      worker.on("exit", (code) => lost(`exited with code ${code}`));
    });
  }

  private retire(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    for (const pending of slot.inflight.values())
      pending.reject(new Error(`inference thread lost: ${reason}`));
    slot.inflight.clear();
    if (!this.closing && slot.ready) {
      this.options.onWorkerRestart?.(reason);
      void this.spawn();
    }
  }

  run(input: Float32Array, rows: number): Promise<ModelOutputs> {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.ready && (best === undefined || slot.inflight.size < best.inflight.size)) best = slot;
    }
    if (!best) return Promise.reject(new Error("no inference thread is running"));
    const id = this.nextId++;
    const slot = best;
    return new Promise((resolve, reject) => {
      slot.inflight.set(id, { resolve, reject });
      const message: RunMessage = { id, input, rows };
      slot.worker.postMessage(message);
    });
  }

  hasCapacity(): boolean {
    for (const slot of this.slots) if (slot.ready && slot.inflight.size === 0) return true;
    return false;
  }

  onCapacity(listener: () => void): void {
    this.capacityListener = listener;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
