// A level's row work on the calling thread and threads − 1 worker threads at once. Every thread reads and writes
// the same SharedArrayBuffers; a run is a command in a small shared control array: the workers sleep in
// Atomics.wait on it, so a level costs no message round trip (and no event-loop turn) on either side.
//
// Workers live for the whole process (starting one costs tens of milliseconds, more under tsx). Between fits
// they wait for messages on their event loop, unreferenced so they never keep the process alive; during a fit
// they sit in the command loop (histogram-worker.ts) until close() releases them.
import type { Worker } from "node:worker_threads";
import { startWorker } from "../worker-thread.js";
import type { LevelExecutor } from "./level-executor.js";
import { type LevelMemory, type LevelOp, runLevelWork } from "./level-work.js";

/** Slots of the control array. */
export const GENERATION = 0;
export const OP = 1;
export const DONE = 2;
export const FAILED = 3;
/** The command that sends the workers back to their event loop. */
export const RELEASE = -1;

export interface AttachMessage {
  control: Int32Array;
  thread: number;
  memory: LevelMemory;
}

/** A worker that stops answering for this long is taken for dead. */
const ANSWER_TIMEOUT_MS = 120_000;

interface PoolThread {
  worker: Worker;
  waiting?: { resolve: () => void; reject: (error: Error) => void };
}

const pool: (PoolThread | undefined)[] = [];

export function threadedExecutor(threads: number): LevelExecutor {
  const workers = Array.from({ length: threads - 1 }, (_, w) => poolThread(w));
  const control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  let attached: { memory: LevelMemory; version: number } | undefined;

  const command = (op: number) => {
    Atomics.store(control, DONE, 0);
    Atomics.store(control, OP, op);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  };
  const awaitWorkers = () => {
    const deadline = performance.now() + ANSWER_TIMEOUT_MS;
    for (let done = Atomics.load(control, DONE); done < threads - 1; done = Atomics.load(control, DONE)) {
      if (Atomics.load(control, FAILED) !== 0)
        throw new Error("a histogram worker thread failed (see stderr)");
      if (performance.now() > deadline) throw new Error("a histogram worker thread stopped answering");
      Atomics.wait(control, DONE, done, 100);
    }
  };
  const release = () => {
    if (attached === undefined) return;
    attached = undefined;
    command(RELEASE);
    awaitWorkers();
  };
  const attach = async (memory: LevelMemory) => {
    release();
    await Promise.all(
      workers.map((thread, w) => ask(thread, { control, thread: w + 1, memory } satisfies AttachMessage)),
    );
    attached = { memory, version: memory.version };
  };

  return {
    threads,
    float64: (length) => new Float64Array(new SharedArrayBuffer(length * 8)),
    float32: (length) => new Float32Array(new SharedArrayBuffer(length * 4)),
    uint8: (length) => new Uint8Array(new SharedArrayBuffer(length)),
    uint32: (length) => new Uint32Array(new SharedArrayBuffer(length * 4)),
    int32: (length) => new Int32Array(new SharedArrayBuffer(length * 4)),
    async run(memory: LevelMemory, op: LevelOp) {
      if (attached?.memory !== memory || attached.version !== memory.version) await attach(memory);
      command(op);
      runLevelWork(memory, op, 0);
      awaitWorkers();
    },
    close: release,
  };
}

/** Sends `message`; resolves when the worker has taken it (and is about to enter its command loop). */
function ask(thread: PoolThread, message: AttachMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    thread.waiting = { resolve, reject };
    thread.worker.ref();
    thread.worker.postMessage(message);
  });
}

function poolThread(index: number): PoolThread {
  const existing = pool[index];
  if (existing !== undefined) return existing;
  // Bundled as dist/histogram-worker.js (see scripts/build.mjs).
  const thread: PoolThread = { worker: startWorker(import.meta.url, "histogram-worker") };
  thread.worker.unref();
  thread.worker.on("message", () => {
    thread.worker.unref();
    thread.waiting?.resolve();
    thread.waiting = undefined;
  });
  const stopThread = (error: Error) => {
    if (pool[index] === thread) pool[index] = undefined;
    thread.waiting?.reject(error);
    thread.waiting = undefined;
  };
  thread.worker.on("error", stopThread);
  thread.worker.on("exit", (code) =>
    stopThread(new Error(`a histogram worker thread exited with code ${code}`)),
  );
  pool[index] = thread;
  return thread;
}
