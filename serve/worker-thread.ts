// Starts the server's worker threads (serve/thread-host.ts: inference sessions, the prediction log's writer), each
// piece of work on a thread of its own or all on one shared thread, both from the bundle (dist/, where
// scripts/build.mjs writes the host as its own file next to serve.js) and from source (tests, tsx). From source the
// host is bundled on the fly with
// esbuild (a dev dependency, loaded only on this path) into node_modules/.cache, once per process and named by its
// content: registering tsx inside every worker instead costs about a second per thread.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, type Transferable, Worker } from "node:worker_threads";
import { HOST_EXITED, type HostExited, type HostedWork, type HostRequest } from "./thread-host-protocol.js";

/**
 * The workers allocate little and briefly (messages, typed arrays): a small young generation keeps each thread's
 * heap, and so the process's resident memory, small; V8's default lets each one grow to tens of MB.
 */
export const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 4 };

const built = new Map<string, string>();

export function buildFromSource(source: string, name: string): string {
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
const THREAD_NAMES: Record<HostedWork["role"], string> = {
  inference: "inference",
  "prediction-log": "prediction-log",
};
/** The name of the one thread that hosts both when they share it. */
const SHARED_THREAD_NAME = "inference+log";

function hostScript(): string | URL {
  if (import.meta.url.endsWith(".ts"))
    return buildFromSource(fileURLToPath(new URL("./thread-host.ts", import.meta.url)), "thread-host");
  return new URL("./serve-thread-host.js", import.meta.url);
}

/** What the worker pool and the prediction log see of their thread: a worker's surface, whoever hosts it. */
export interface WorkerThread<Reply> {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: "message", listener: (message: Reply) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  /** Stops the work and frees what it holds; resolves once it has. */
  terminate(): Promise<void>;
}

class HostedWorker<Reply> implements WorkerThread<Reply> {
  private exitCode: number | undefined;
  private readonly listeners = {
    message: [] as ((message: Reply) => void)[],
    error: [] as ((error: Error) => void)[],
    exit: [] as ((code: number) => void)[],
  };

  constructor(
    private readonly host: ThreadHost,
    readonly id: number,
    private readonly port: MessagePort,
  ) {
    port.on("message", (message: Reply | HostExited) => {
      if ((message as HostExited).kind === HOST_EXITED) {
        host.finish(id, (message as HostExited).code);
        return;
      }
      for (const listener of this.listeners.message) listener(message as Reply);
    });
  }

  on(event: "message", listener: (message: Reply) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  on(event: "message" | "error" | "exit", listener: (value: never) => void): void {
    (this.listeners[event] as ((value: never) => void)[]).push(listener);
  }

  postMessage(message: unknown, transfer?: readonly Transferable[]): void {
    if (this.exitCode === undefined) this.port.postMessage(message, transfer);
  }

  failed(error: Error): void {
    for (const listener of this.listeners.error) listener(error);
  }

  exited(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.port.close();
    for (const listener of this.listeners.exit) listener(code);
  }

  terminate(): Promise<void> {
    if (this.exitCode !== undefined) return Promise.resolve();
    const done = new Promise<void>((resolveExit) => this.listeners.exit.push(() => resolveExit()));
    this.host.detach(this.id);
    return done;
  }
}

/** One worker thread running serve/thread-host.ts; stopped once nothing runs on it any more. */
class ThreadHost {
  private readonly worker: Worker;
  private readonly attached = new Map<number, HostedWorker<unknown>>();
  private nextId = 1;
  dead = false;

  constructor(name: string) {
    this.worker = new Worker(hostScript(), { name, resourceLimits: WORKER_HEAP_LIMITS });
    this.worker.on("error", (error) => {
      for (const hosted of this.attached.values()) hosted.failed(error);
    });
    this.worker.on("exit", (code) => {
      this.dead = true;
      for (const id of [...this.attached.keys()]) this.finish(id, code);
    });
  }

  attach<Reply>(work: HostedWork): HostedWorker<Reply> {
    const { port1, port2 } = new MessageChannel();
    const id = this.nextId++;
    const hosted = new HostedWorker<Reply>(this, id, port1);
    this.attached.set(id, hosted as HostedWorker<unknown>);
    const request: HostRequest = { kind: "attach", id, port: port2, ...work };
    this.worker.postMessage(request, [port2]);
    return hosted;
  }

  detach(id: number): void {
    if (this.dead) this.finish(id, 1);
    else this.worker.postMessage({ kind: "detach", id } satisfies HostRequest);
  }

  finish(id: number, code: number): void {
    const hosted = this.attached.get(id);
    if (!hosted) return;
    this.attached.delete(id);
    if (this.attached.size === 0 && !this.dead) {
      this.dead = true;
      if (shared === this) shared = undefined;
      void this.worker.terminate();
    }
    hosted.exited(code);
  }
}

let shared: ThreadHost | undefined;

/** Whether the shared thread runs (an inference session is on it): work attached to it costs no isolate more. */
export function sharedThreadRunning(): boolean {
  return shared !== undefined && !shared.dead;
}

/**
 * Starts `work` on a thread of its own, or (`shared`) on the one thread every shared piece of work runs on: one V8
 * isolate and one malloc arena instead of one each (serve/README.md, "How it runs").
 */
export function startWorker<Reply>(work: HostedWork, options: { shared: boolean }): WorkerThread<Reply> {
  if (!options.shared) return new ThreadHost(THREAD_NAMES[work.role]).attach<Reply>(work);
  if (!shared || shared.dead) shared = new ThreadHost(SHARED_THREAD_NAME);
  return shared.attach<Reply>(work);
}
