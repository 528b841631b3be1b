// Starting a worker thread whose module sits next to the calling module: .ts under tsx (tests, notebooks,
// benchmarks), .js when bundled (scripts/build.mjs puts each worker entry next to the bundle). Module hooks are
// not inherited by worker threads, so under tsx the worker registers tsx first.
import { setFlagsFromString } from "node:v8";
import { type ResourceLimits, Worker } from "node:worker_threads";

export interface WorkerOptions {
  resourceLimits?: ResourceLimits;
  /**
   * Old-generation megabytes the worker's heap may reach before its first full GC. V8 sets a new heap's limit
   * from its start-up size plus a few megabytes (about 15 MB for a histogram worker under tsx); the code and
   * objects a 200,000-row fit leaves in the worker crossed it, so the worker marked and compacted its heap
   * inside the fit (a 3–8 ms pause plus incremental steps, the calling thread waiting at the next barrier;
   * 10 alternating fresh-process pairs: 586 against 566 ms median). Node's resourceLimits set only the maximum,
   * so the limit goes in through V8's flag, read when the worker's isolate is made, and the flag is unset again
   * once every worker started so is running (no other isolate is meant to start with it). Node 22's V8 sets the
   * limit without the flag: there the worker keeps its first full GC.
   */
  initialOldGenerationMb?: number;
}

/** Workers started with initialOldGenerationMb whose isolate may not exist yet. */
let startingWithHeapFlag = 0;

/** `callerUrl`: the caller's import.meta.url; `name`: the worker module's file name without extension. */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const { resourceLimits, initialOldGenerationMb } = options;
  const limits = resourceLimits === undefined ? {} : { resourceLimits };
  if (initialOldGenerationMb === undefined) return newWorker(callerUrl, name, limits);
  startingWithHeapFlag++;
  setFlagsFromString(`--initial-old-space-size=${initialOldGenerationMb}`);
  let counted = true;
  const started = () => {
    if (!counted) return;
    counted = false;
    // 0: V8's default (the limit from the start-up size).
    if (--startingWithHeapFlag === 0) setFlagsFromString("--initial-old-space-size=0");
  };
  let worker: Worker;
  try {
    worker = newWorker(callerUrl, name, limits);
  } catch (error) {
    started();
    throw error;
  }
  worker.once("online", started);
  worker.once("error", started);
  worker.once("exit", started);
  return worker;
}

function newWorker(callerUrl: string, name: string, options: { resourceLimits?: ResourceLimits }): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const source = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true, ...options });
}
