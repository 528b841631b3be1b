// Starts one of the server's worker threads both from source (tests and `tsx`, where the worker is a .ts file
// next to its caller) and from the bundle (dist/, where scripts/build.mjs writes each worker as its own file).
import { Worker, type WorkerOptions } from "node:worker_threads";

export function startWorker(
  callerUrl: string,
  name: "inference-worker" | "prediction-log-worker",
  options: WorkerOptions,
): Worker {
  if (callerUrl.endsWith(".ts")) {
    // Node 20 does not pass the tsx loader to workers: register it inside the worker, then load the module.
    const url = new URL(`./${name}.ts`, callerUrl).href;
    const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  return new Worker(new URL(`./serve-${name}.js`, callerUrl), options);
}
