// Worker of worker-heap.test.ts: keeps about `megabytes` of small objects alive (they reach the old generation),
// then answers with the full GCs its heap has run so far.
import { constants, type NodeGCPerformanceDetail, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";

let majorGcs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if ((entry as { detail?: NodeGCPerformanceDetail }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
      majorGcs++;
}).observe({ entryTypes: ["gc"] });

const kept: unknown[] = [];
parentPort?.on("message", (megabytes: number) => {
  const until = getHeapStatistics().used_heap_size + megabytes * 1024 * 1024;
  while (getHeapStatistics().used_heap_size < until)
    for (let i = 0; i < 10_000; i++) kept.push({ i, list: [i] });
  // The observer's entries come on the event loop.
  setTimeout(() => parentPort?.postMessage(majorGcs), 50);
});
