// Spreads a forest's trees over worker threads. Which thread grows a tree does not change it (see
// forest-trees.ts), so every thread count gives the same forest.
//
// The threads live for the whole process (starting one costs tens of milliseconds, and several hundred under
// tsx), and are unreferenced while idle so they never keep the process alive.
import type { Worker } from "node:worker_threads";
import type { ForestJob, ForestTree } from "./forest-trees.js";
import type { ForestTask } from "./forest-worker.js";
import { startWorker } from "./worker-thread.js";

type Reply = { id: number; trees: ForestTree[] } | { id: number; error: string };

interface PoolThread {
  worker: Worker;
  pending: Map<number, { resolve: (trees: ForestTree[]) => void; reject: (error: Error) => void }>;
}

/**
 * A worker's young generation, capped: growing a tree leaves little short-lived garbage, and V8's default young
 * generation (tens of MB a thread) is memory the forest's trees need.
 */
const YOUNG_GENERATION_MB = 16;

const threads: (PoolThread | undefined)[] = [];
let nextTaskId = 0;

export async function growForestOnThreads(
  job: ForestJob,
  treeCount: number,
  threadCount: number,
): Promise<ForestTree[]> {
  const used = Math.max(1, Math.min(threadCount, treeCount));
  const assignments = Array.from({ length: used }, (_, w) => {
    const treeIndices: number[] = [];
    for (let t = w; t < treeCount; t += used) treeIndices.push(t);
    return treeIndices;
  });
  const results = await Promise.all(
    assignments.map((treeIndices, w) => runTask(poolThread(w), job, treeIndices)),
  );
  const trees = new Array<ForestTree>(treeCount);
  assignments.forEach((treeIndices, w) => {
    treeIndices.forEach((t, i) => {
      trees[t] = (results[w] as ForestTree[])[i] as ForestTree;
    });
  });
  return trees;
}

function runTask(thread: PoolThread, job: ForestJob, treeIndices: number[]): Promise<ForestTree[]> {
  const id = nextTaskId++;
  return new Promise((resolve, reject) => {
    thread.pending.set(id, { resolve, reject });
    thread.worker.ref();
    thread.worker.postMessage({ id, job, treeIndices } satisfies ForestTask);
  });
}

function poolThread(index: number): PoolThread {
  const existing = threads[index];
  if (existing !== undefined) return existing;
  const thread: PoolThread = {
    worker: startWorker(import.meta.url, "forest-worker", {
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    }),
    pending: new Map(),
  };
  thread.worker.unref();
  thread.worker.on("message", (reply: Reply) => {
    const waiting = thread.pending.get(reply.id);
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) thread.worker.unref();
    if ("error" in reply) waiting?.reject(new Error(`a forest worker thread failed: ${reply.error}`));
    else waiting?.resolve(reply.trees);
  });
  const stopThread = (error: Error) => {
    if (threads[index] === thread) threads[index] = undefined;
    for (const { reject } of thread.pending.values()) reject(error);
    thread.pending.clear();
  };
  thread.worker.on("error", stopThread);
  thread.worker.on("exit", (code) =>
    stopThread(new Error(`a forest worker thread exited with code ${code}`)),
  );
  threads[index] = thread;
  return thread;
}
