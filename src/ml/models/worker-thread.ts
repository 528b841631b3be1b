// Starting a worker thread whose module sits next to the calling module: .ts under tsx (tests, notebooks,
// benchmarks), .js when bundled (scripts/build.mjs puts each worker entry next to the bundle). Module hooks are
// not inherited by worker threads, so under tsx the worker registers tsx first.
import { type ResourceLimits, Worker } from "node:worker_threads";

/** `callerUrl`: the caller's import.meta.url; `name`: the worker module's file name without extension. */
export function startWorker(callerUrl: string, name: string, resourceLimits?: ResourceLimits): Worker {
  const options = resourceLimits === undefined ? {} : { resourceLimits };
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const source = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true, ...options });
}
