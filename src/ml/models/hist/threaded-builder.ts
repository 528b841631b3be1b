// Histograms built by several threads at once: the active features are cut into one block per thread; the
// calling thread fills the first block itself while worker threads fill the others, all writing into the same
// SharedArrayBuffer histograms from the same shared bins, row index and row values. Which thread fills a block
// does not change a single sum, so every thread count grows the same trees.
//
// Workers live for the whole process (starting one costs tens of milliseconds, more under tsx) and are
// unreferenced while idle so they never keep the process alive.
import { Worker } from "node:worker_threads";
import type { BinnedMatrix } from "./bin-mapper.js";
import type { HistogramBuilder, HistogramRequest, HistWorkspace } from "./grow-tree.js";
import { buildHistogram } from "./histogram.js";
import type { HistogramMessage } from "./histogram-worker.js";

type Reply = { id: number; error?: string };

interface PoolThread {
  worker: Worker;
  pending: Map<number, { resolve: () => void; reject: (error: Error) => void }>;
}

const pool: (PoolThread | undefined)[] = [];
let nextId = 0;
let nextFit = 0;

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * Uint32Array.BYTES_PER_ELEMENT));
}

export interface ThreadedBuilder extends HistogramBuilder {
  /** Shares the workspace's matrices with the workers; call once, after creating the workspace. */
  attach(space: HistWorkspace): void;
  /** Lets the workers drop this fit's matrices. */
  detach(): void;
}

/** `threads` ≥ 2: the caller plus threads − 1 workers. `binned.bins` and the index must be shared memory. */
export function threadedBuilder(threads: number): ThreadedBuilder {
  const fit = nextFit++;
  const workers = Array.from({ length: threads - 1 }, (_, w) => poolThread(w));
  return {
    allocate: sharedFloat64,
    attach(space: HistWorkspace) {
      const { bins, rows }: BinnedMatrix = space.binned;
      for (const thread of workers)
        thread.worker.postMessage({
          kind: "attach",
          fit,
          bins,
          rows,
          index: space.index,
          values: space.values,
          channels: space.channels,
        } satisfies HistogramMessage);
    },
    detach() {
      for (const thread of workers)
        thread.worker.postMessage({ kind: "detach", fit } satisfies HistogramMessage);
    },
    async build(space: HistWorkspace, slotFeatures: Int32Array, requests: HistogramRequest[]) {
      const slots = slotFeatures.length;
      const blocks = Math.min(threads, slots);
      const edge = (b: number) => Math.round((b * slots) / blocks);
      const waiting: Promise<void>[] = [];
      for (let b = 1; b < blocks; b++)
        waiting.push(
          send(workers[b - 1] as PoolThread, {
            kind: "build",
            id: nextId++,
            fit,
            slotFeatures,
            slotFrom: edge(b),
            slotTo: edge(b + 1),
            requests,
          }),
        );
      const { bins, rows } = space.binned;
      for (const { from, to, histogram } of requests)
        buildHistogram(
          bins,
          rows,
          slotFeatures,
          0,
          edge(1),
          space.index,
          from,
          to,
          space.values,
          space.channels,
          histogram,
        );
      await Promise.all(waiting);
    },
  };
}

function send(thread: PoolThread, message: Extract<HistogramMessage, { kind: "build" }>): Promise<void> {
  return new Promise((resolve, reject) => {
    thread.pending.set(message.id, { resolve, reject });
    thread.worker.ref();
    thread.worker.postMessage(message);
  });
}

function poolThread(index: number): PoolThread {
  const existing = pool[index];
  if (existing !== undefined) return existing;
  const thread: PoolThread = { worker: startWorker(), pending: new Map() };
  thread.worker.unref();
  thread.worker.on("message", (reply: Reply) => {
    const waiting = thread.pending.get(reply.id);
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) thread.worker.unref();
    if (reply.error !== undefined)
      waiting?.reject(new Error(`a histogram worker thread failed: ${reply.error}`));
    else waiting?.resolve();
  });
  const stopThread = (error: Error) => {
    if (pool[index] === thread) pool[index] = undefined;
    for (const { reject } of thread.pending.values()) reject(error);
    thread.pending.clear();
  };
  thread.worker.on("error", stopThread);
  thread.worker.on("exit", (code) =>
    stopThread(new Error(`a histogram worker thread exited with code ${code}`)),
  );
  pool[index] = thread;
  return thread;
}

// The worker module sits next to this one: .ts under tsx (tests, notebooks, benchmarks), .js when bundled
// (scripts/build.mjs). Module hooks are not inherited by worker threads, so under tsx the worker registers tsx.
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./histogram-worker.js", here));
  const entry = new URL("./histogram-worker.ts", here).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const source = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true });
}
