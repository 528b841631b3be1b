// Starts one of the server's worker threads both from the bundle (dist/, where scripts/build.mjs writes each worker
// as its own file next to serve.js) and from source (tests, tsx). From source the worker is bundled on the fly with
// esbuild (a dev dependency, loaded only on this path) into node_modules/.cache, once per process and named by its
// content: registering tsx inside every worker instead costs about a second per thread.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The workers allocate little and briefly (messages, typed arrays): a small young generation keeps each thread's
 * heap, and so the process's resident memory, small; V8's default lets each one grow to tens of MB.
 */
export const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 4 };

type WorkerName = "inference-worker" | "prediction-log-worker";

const built = new Map<string, string>();

function buildFromSource(source: string, name: WorkerName): string {
  const cached = built.get(source);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const esbuild = require("esbuild") as typeof import("esbuild");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const [output] = esbuild.buildSync({
    entryPoints: [source],
    write: false,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    packages: "external",
    logLevel: "error",
  }).outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${source}`);
  // Named by content, written atomically: test processes running side by side share the file safely.
  const hash = createHash("sha256").update(output.contents).digest("hex").slice(0, 16);
  const dir = join(root, "node_modules", ".cache", "tabula-serve");
  const file = join(dir, `${name}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, file);
  }
  built.set(source, file);
  return file;
}

/** The thread's name as the OS shows it (15 characters at most): bench:serve attributes CPU by it. */
const THREAD_NAMES: Record<WorkerName, string> = {
  "inference-worker": "inference",
  "prediction-log-worker": "prediction-log",
};

export function startWorker(callerUrl: string, name: WorkerName, options: WorkerOptions): Worker {
  const named = { name: THREAD_NAMES[name], ...options };
  if (callerUrl.endsWith(".ts")) {
    const source = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
    return new Worker(buildFromSource(source, name), named);
  }
  return new Worker(new URL(`./serve-${name}.js`, callerUrl), named);
}
