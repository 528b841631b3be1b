// npm run bench:serve — load-tests the prediction service (the bundled dist/serve.js) on 127.0.0.1, 32 connections,
// single-row and 100-row bodies, in one run: first a bare node:http JSON echo server (the yardstick: the serving
// targets are ratios to it), then each execution design of tabula (the compiled trees on the event loop for small
// requests; onnxruntime on worker threads or on the event loop, with and without dynamic batching; Node cluster),
// then the FastAPI + scikit-learn anchor. Each is measured with autocannon (both bodies) and with wrk (`wrk -t2 -c32
// -d10s`, single-row, a Lua script for the POST) when wrk is installed. Prints one table and the load average.
//
// usage: npm run bench:serve -- [--duration S] [--warmup S] [--designs 1,2,...] [--skip-anchor] [--skip-pipeline]
//                               [--repeat N] [--model DIR]
//                               [--env NAME=VALUE ...] [--baseline DIR] [--pin]
//   --pin: the server on core 1, wrk and autocannon on core 0 (taskset), so that neither preempts the other
//   --baseline: also run the default design from another build (DIR/dist/serve.js, e.g. main's), in the same run
//   --model: a package directory (default: package/ if `npm run repro` built it, else a generated 100-tree model)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { type Manifest, ManifestSchema } from "../src/artifact/manifest.js";
import { freePort } from "./free-port.js";
import { writeForestPackage } from "./serve-forest-model.js";

const HOST = "127.0.0.1"; // never anything else
const BARE = "bare node:http JSON echo (yardstick)";
const CONNECTIONS = 32;
/** The V8 settings the image runs the server with (the Dockerfile's NODE_OPTIONS). */
const SERVER_NODE_OPTIONS = "--max-semi-space-size=8";
/** The malloc settings the image runs the server with (the Dockerfile's MALLOC_*; serve/README.md, memory). */
const SERVER_MALLOC = { MALLOC_MMAP_THRESHOLD_: "65536", MALLOC_TRIM_THRESHOLD_: "131072" };
const root = resolve(import.meta.dirname, "..");

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "6" },
    warmup: { type: "string", default: "2" },
    designs: { type: "string" },
    "skip-anchor": { type: "boolean", default: false },
    "skip-pipeline": { type: "boolean", default: false },
    /** Run the designs this many times, round robin, and keep each one's best load (a shared, noisy machine). */
    repeat: { type: "string", default: "1" },
    model: { type: "string" },
    /** Extra server settings for every design, e.g. --env SERVE_ACCESS_LOG=false (repeatable). */
    env: { type: "string", multiple: true, default: [] },
    /** A directory holding another build's dist/ (with package.json and node_modules beside it). */
    baseline: { type: "string" },
    /**
     * Pin the server to one core and the load generators (wrk, and this process's autocannon) to the other, with
     * taskset: on 2 cores, wrk's two threads and the server's otherwise preempt each other, which sets the tail.
     */
    pin: { type: "boolean", default: false },
  },
});
const duration = Number(args.duration);
const extraEnv = Object.fromEntries(
  (args.env ?? []).map((assignment) => {
    const at = assignment.indexOf("=");
    return [assignment.slice(0, at), assignment.slice(at + 1)];
  }),
);
const warmup = Number(args.warmup);
/** Cores (taskset lists) for the server and for the load generators with --pin. */
const SERVER_CPUS = "1";
const LOAD_CPUS = "0";

/** The command that runs `command args` on `cpus` with --pin, else the command itself. */
function pinned(cpus: string, command: string, commandArgs: string[]): [string, string[]] {
  return args.pin ? ["taskset", ["-c", cpus, command, ...commandArgs]] : [command, commandArgs];
}

interface Design {
  name: string;
  env: Record<string, string>;
  cluster?: number;
  /** The server bundle to start (default: this checkout's dist/serve.js). */
  entry?: string;
}

const ORT_ONLY = { SERVE_COMPILED_MAX_ROWS: "0" };

/** The first is the server's default (SERVE_INFERENCE_WORKERS = cores − 1 on this 2-core machine). */
const DESIGNS: Design[] = [
  {
    name: "compiled ≤128 rows on the loop, batched per loop turn; onnxruntime threads=1 + batching (default)",
    env: { SERVE_INFERENCE_WORKERS: "1", SERVE_MAX_BATCH_ROWS: "4096", SERVE_COMPILED_MAX_ROWS: "128" },
  },
  {
    name: "onnxruntime: threads=1 + dynamic batching",
    env: { SERVE_INFERENCE_WORKERS: "1", SERVE_MAX_BATCH_ROWS: "4096", ...ORT_ONLY },
  },
  {
    name: "compiled for every request (≤1000 rows) on the loop, batched per loop turn",
    env: { SERVE_INFERENCE_WORKERS: "1", SERVE_MAX_BATCH_ROWS: "4096", SERVE_COMPILED_MAX_ROWS: "1000" },
  },
  {
    name: "onnxruntime: threads=2 + dynamic batching",
    env: { SERVE_INFERENCE_WORKERS: "2", SERVE_MAX_BATCH_ROWS: "4096", ...ORT_ONLY },
  },
  {
    name: "onnxruntime: threads=2, no batching",
    env: { SERVE_INFERENCE_WORKERS: "2", SERVE_MAX_BATCH_ROWS: "0", ...ORT_ONLY },
  },
  {
    name: "onnxruntime: threads=1 intra-op=2 + batching",
    env: {
      SERVE_INFERENCE_WORKERS: "1",
      SERVE_INTRA_OP_THREADS: "2",
      SERVE_MAX_BATCH_ROWS: "4096",
      ...ORT_ONLY,
    },
  },
  {
    name: "onnxruntime: event loop + dynamic batching",
    env: { SERVE_INFERENCE_WORKERS: "0", SERVE_MAX_BATCH_ROWS: "4096", ...ORT_ONLY },
  },
  {
    name: "onnxruntime: event loop, no batching",
    env: { SERVE_INFERENCE_WORKERS: "0", SERVE_MAX_BATCH_ROWS: "0", ...ORT_ONLY },
  },
  {
    name: "cluster×2 (onnxruntime on the loop + batching)",
    env: { SERVE_INFERENCE_WORKERS: "0", SERVE_MAX_BATCH_ROWS: "4096", ...ORT_ONLY },
    cluster: 2,
  },
  {
    name: "the default, with the prediction log on a thread of its own (not on the event loop or beside inference)",
    env: {
      SERVE_INFERENCE_WORKERS: "1",
      SERVE_MAX_BATCH_ROWS: "4096",
      SERVE_COMPILED_MAX_ROWS: "128",
      SERVE_SHARED_THREAD: "false",
      SERVE_LOG_WRITER: "thread",
    },
  },
];

/** wrk's single-row figures. */
interface WrkLoad {
  reqPerSec: number;
  p99: number;
  cpuUs: number;
  /** CPU µs per request by thread group (event loop, inference, prediction log, V8's helpers, libuv's pool). */
  byThread: Record<string, number>;
}

interface Load {
  reqPerSec: number;
  /** Server CPU per request (all threads and processes), and on the event loop(s) alone, in µs. */
  cpuUs: number;
  eventLoopUs: number;
  /** Rows per model run during this load (dynamic batching at work), from the server's own metrics. */
  batchRows: number | undefined;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface Row {
  name: string;
  single?: Load;
  wrk?: WrkLoad;
  batch?: Load;
  rssMb: number;
  note?: string;
}

/** The first 100 rows of the Boston CSV, with the model's features: the same bodies for us and the anchor. */
function bodies(manifest: Manifest): { single: string; batch: string } {
  const [header, ...lines] = readFileSync(join(root, "data/raw/boston.csv"), "utf8").trim().split(/\r?\n/);
  const columns = (header as string).split(",");
  const missing = manifest.features.filter((feature) => !columns.includes(feature.name));
  if (missing.length > 0)
    throw new Error(
      `the model's features ${missing.map((f) => f.name).join(", ")} are not in data/raw/boston.csv`,
    );
  const rows = lines.slice(0, 100).map((line) => {
    const values = line.split(",").map(Number);
    return Object.fromEntries(
      manifest.features.map((feature) => [feature.name, values[columns.indexOf(feature.name)]]),
    );
  });
  return { single: JSON.stringify({ instances: [rows[0]] }), batch: JSON.stringify({ instances: rows }) };
}

function processTree(pid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents)
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
  }
  return tree;
}

/** Resident memory of a process and all its descendants, in MB. */
function treeRssMb(pid: number): number {
  let kb = 0;
  for (const member of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

function ticksOf(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** CPU milliseconds used so far by the process tree, and by its main threads (the event loops) alone. */
function cpuMs(pid: number): { total: number; eventLoop: number } {
  let total = 0;
  let eventLoop = 0;
  for (const member of processTree(pid)) {
    try {
      total += ticksOf(`/proc/${member}/stat`) * TICK_MS;
      eventLoop += ticksOf(`/proc/${member}/task/${member}/stat`) * TICK_MS;
    } catch {}
  }
  return { total, eventLoop };
}

/** The thread groups CPU is attributed to, by the thread's name in /proc (serve/worker-thread.ts names ours). */
function threadGroup(comm: string): string {
  if (comm === "MainThread" || comm === "node") return "event loop";
  if (comm === "inference" || comm === "prediction-log" || comm === "inference+log") return comm;
  if (comm.startsWith("V8") || comm === "DelayedTaskSche") return "V8 (GC, compiler)";
  if (comm.startsWith("libuv")) return "libuv pool";
  return "other";
}

/** CPU milliseconds used so far by each thread group of the process tree. */
function cpuMsByThread(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const member of processTree(pid)) {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${member}/task`);
    } catch {}
    for (const task of tasks) {
      try {
        const comm = readFileSync(`/proc/${member}/task/${task}/comm`, "utf8").trim();
        const group = threadGroup(comm);
        groups.set(group, (groups.get(group) ?? 0) + ticksOf(`/proc/${member}/task/${task}/stat`) * TICK_MS);
      } catch {}
    }
  }
  return groups;
}

async function waitFor(url: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready within ${seconds} s`);
}

async function batchCounters(metricsUrl: string | undefined): Promise<{ sum: number; count: number }> {
  if (!metricsUrl) return { sum: Number.NaN, count: Number.NaN };
  const text = await (await fetch(metricsUrl)).text();
  return {
    sum: Number(/^model_inference_batch_rows_sum (\S+)/m.exec(text)?.[1]),
    count: Number(/^model_inference_batch_rows_count (\S+)/m.exec(text)?.[1]),
  };
}

async function load(
  url: string,
  body: string,
  seconds: number,
  pid: number,
  metricsUrl?: string,
): Promise<Load> {
  const batchesBefore = await batchCounters(metricsUrl);
  const before = cpuMs(pid);
  const measured = await new Promise<Omit<Load, "batchRows">>((resolveLoad, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        connections: CONNECTIONS,
        duration: seconds,
      },
      (error, result) => {
        if (error) return reject(error);
        const after = cpuMs(pid);
        latencies.sort((a, b) => a - b);
        const at = (q: number) =>
          latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
        resolveLoad({
          reqPerSec: latencies.length / result.duration,
          cpuUs: ((after.total - before.total) * 1000) / Math.max(1, latencies.length),
          eventLoopUs: ((after.eventLoop - before.eventLoop) * 1000) / Math.max(1, latencies.length),
          p50: at(0.5),
          p99: at(0.99),
          errors: result.errors,
          non2xx: result.non2xx,
        });
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const batchesAfter = await batchCounters(metricsUrl);
  const runs = batchesAfter.count - batchesBefore.count;
  return { ...measured, batchRows: metricsUrl ? (batchesAfter.sum - batchesBefore.sum) / runs : undefined };
}

let wrkNote: string | undefined;

function wrkAvailable(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      wrkNote = "wrk: not installed (apt-get install wrk); its columns are skipped";
      return false;
    }
  }
  return true;
}

/** `wrk -t2 -c32 -d10s` with a Lua script that POSTs `body`; CPU of the server's process tree per request. */
function wrkLoad(url: string, body: string, pid: number, scratch: string): WrkLoad | undefined {
  if (wrkNote) return undefined;
  const script = join(scratch, "post.lua");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[${body}]==]\n`,
  );
  const before = cpuMs(pid);
  const threadsBefore = cpuMsByThread(pid);
  const output = execFileSync(
    ...pinned(LOAD_CPUS, "wrk", ["-t2", `-c${CONNECTIONS}`, "-d10s", "--latency", "-s", script, url]),
    { encoding: "utf8" },
  );
  const after = cpuMs(pid);
  const threadsAfter = cpuMsByThread(pid);
  const unit = (value: string, suffix: string) =>
    Number(value) * (suffix === "us" ? 0.001 : suffix === "s" ? 1000 : 1);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)/m.exec(output);
  const requests = Number(/(\d+) requests in/.exec(output)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  if (non2xx > 0) console.log(`  wrk: ${non2xx} non-2xx answers from ${url}`);
  return {
    reqPerSec: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]),
    p99: p99 ? unit(p99[1] as string, p99[2] as string) : Number.NaN,
    cpuUs: ((after.total - before.total) * 1000) / Math.max(1, requests),
    byThread: Object.fromEntries(
      [...threadsAfter].map(([group, ms]) => [
        group,
        ((ms - (threadsBefore.get(group) ?? 0)) * 1000) / Math.max(1, requests),
      ]),
    ),
  };
}

async function measure(
  base: string,
  path: string,
  pid: number,
  texts: { single: string; batch: string },
  scratch: string,
  metricsUrl?: string,
): Promise<Pick<Row, "single" | "batch" | "rssMb" | "wrk">> {
  let rssMb = treeRssMb(pid);
  const sampler = setInterval(() => {
    rssMb = Math.max(rssMb, treeRssMb(pid));
  }, 250);
  try {
    await load(`${base}${path}`, texts.single, warmup, pid);
    const single = await load(`${base}${path}`, texts.single, duration, pid, metricsUrl);
    await load(`${base}${path}`, texts.batch, warmup, pid);
    const batch = await load(`${base}${path}`, texts.batch, duration, pid, metricsUrl);
    const wrk = wrkLoad(`${base}${path}`, texts.single, pid, scratch);
    return { single, batch, rssMb, ...(wrk ? { wrk } : {}) };
  } finally {
    clearInterval(sampler);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM"); // only the process this benchmark started
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function runDesign(
  design: Design,
  model: string,
  scratch: string,
  texts: { single: string; batch: string },
): Promise<Row> {
  const port = await freePort(HOST);
  const entry =
    design.entry ?? (design.cluster ? join(root, "bench/serve-cluster.mjs") : join(root, "dist/serve.js"));
  const child = spawn(...pinned(SERVER_CPUS, process.execPath, [entry]), {
    env: {
      ...process.env,
      SERVE_HOST: HOST,
      SERVE_PORT: String(port),
      SERVE_MODEL: model,
      SERVE_DATA_DIR: join(scratch, design.name.replace(/\W+/g, "-")),
      BENCH_CLUSTER_PROCESSES: String(design.cluster ?? 1),
      NODE_OPTIONS: SERVER_NODE_OPTIONS,
      ...SERVER_MALLOC,
      ...design.env,
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://${HOST}:${port}`;
  try {
    await waitFor(`${base}/readyz`, 60);
    const measured = await measure(base, "/predict", child.pid as number, texts, scratch, `${base}/metrics`);
    return {
      name: design.name,
      ...measured,
      ...(design.cluster ? { note: "batch rows: one process's" } : {}),
    };
  } finally {
    await stop(child);
  }
}

async function runBare(scratch: string, texts: { single: string; batch: string }): Promise<Row> {
  const port = await freePort(HOST);
  const child = spawn(...pinned(SERVER_CPUS, process.execPath, [join(root, "bench/serve-bare-node.mjs")]), {
    env: { ...process.env, SERVE_HOST: HOST, SERVE_PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://${HOST}:${port}`;
  try {
    await waitFor(`${base}/`, 30);
    return { name: BARE, ...(await measure(base, "/predict", child.pid as number, texts, scratch)) };
  } finally {
    await stop(child);
  }
}

async function runAnchor(scratch: string, texts: { single: string; batch: string }): Promise<Row> {
  const python = "/usr/bin/python3";
  try {
    execFileSync(python, ["-c", "import fastapi, uvicorn, sklearn, joblib"], { stdio: "ignore" });
  } catch {
    return {
      name: "FastAPI + scikit-learn (anchor)",
      rssMb: Number.NaN,
      note: "skipped: python3-fastapi / uvicorn / sklearn missing (bash scripts/setup.sh --baselines)",
    };
  }
  const model = join(scratch, "rf_anchor.joblib");
  execFileSync(python, [join(root, "bench/baselines/train_rf_anchor.py"), model], { stdio: "ignore" });
  const port = await freePort(HOST);
  // The anchor's best configuration on this machine: async endpoint, 2 uvicorn workers.
  const child = spawn(
    python,
    [
      "-m",
      "uvicorn",
      "serve_fastapi:app",
      "--host",
      HOST,
      "--port",
      String(port),
      "--workers",
      "2",
      "--no-access-log",
      "--log-level",
      "warning",
    ],
    {
      cwd: join(root, "bench/baselines"),
      env: { ...process.env, ANCHOR_MODEL: model, ANCHOR_ASYNC: "1" },
      stdio: "ignore",
    },
  );
  const base = `http://${HOST}:${port}`;
  try {
    await waitFor(`${base}/health`, 60);
    await new Promise((r) => setTimeout(r, 2000)); // both workers up
    return {
      name: "FastAPI + scikit-learn (anchor, async, 2 workers)",
      ...(await measure(base, "/predict", child.pid as number, texts, scratch)),
    };
  } finally {
    await stop(child);
  }
}

function format(rows: Row[]): string {
  const anchor = rows.find((row) => row.name.startsWith("FastAPI"))?.single?.reqPerSec;
  const bare = rows.find((row) => row.name === BARE);
  const ratio = (value: number | undefined, of: number | undefined) =>
    value === undefined || of === undefined || Number.isNaN(value)
      ? "—"
      : `${Math.round((100 * value) / of)} %`;
  const fixed = (value: number | undefined, digits = 0) =>
    value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
  const header = [
    "design",
    "1-row req/s",
    "% bare",
    "× anchor",
    "p50 ms",
    "p99 ms",
    "CPU µs/req (loop)",
    "100-row rows/s",
    "p50 ms",
    "p99 ms",
    "CPU µs/row (loop)",
    "peak RSS MB",
    "rows/run (1-row, 100-row)",
    "wrk 1-row req/s",
    "wrk % bare",
    "wrk p99 ms",
    "wrk CPU µs/req",
  ];
  const lines = rows.map((row) => [
    row.name,
    fixed(row.single?.reqPerSec),
    ratio(row.single?.reqPerSec, bare?.single?.reqPerSec),
    anchor && row.single ? `${(row.single.reqPerSec / anchor).toFixed(1)}×` : "—",
    fixed(row.single?.p50, 2),
    fixed(row.single?.p99, 2),
    row.single ? `${fixed(row.single.cpuUs)} (${fixed(row.single.eventLoopUs)})` : "—",
    fixed(row.batch ? row.batch.reqPerSec * 100 : undefined),
    fixed(row.batch?.p50, 2),
    fixed(row.batch?.p99, 2),
    row.batch ? `${fixed(row.batch.cpuUs / 100, 1)} (${fixed(row.batch.eventLoopUs / 100, 1)})` : "—",
    fixed(row.rssMb),
    row.single?.batchRows === undefined
      ? "—"
      : `${fixed(row.single.batchRows, 1)}, ${fixed(row.batch?.batchRows, 0)}`,
    fixed(row.wrk?.reqPerSec),
    ratio(row.wrk?.reqPerSec, bare?.wrk?.reqPerSec),
    fixed(row.wrk?.p99, 2),
    fixed(row.wrk?.cpuUs),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => (line[i] as string).length)),
  );
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  const notes = rows
    .filter(
      (row) =>
        row.note ||
        (row.single && (row.single.errors || row.single.non2xx)) ||
        (row.batch && (row.batch.errors || row.batch.non2xx)),
    )
    .map(
      (row) =>
        `- ${row.name}: ${[row.note, row.single ? `1-row errors ${row.single.errors}, non-2xx ${row.single.non2xx}` : "", row.batch ? `100-row errors ${row.batch.errors}, non-2xx ${row.batch.non2xx}` : ""].filter(Boolean).join("; ")}`,
    );
  const threads = rows
    .filter((row) => row.wrk)
    .map(
      (row) =>
        `- ${row.name}: ${Object.entries(row.wrk?.byThread ?? {})
          .filter(([, us]) => us >= 0.5)
          .sort((a, b) => b[1] - a[1])
          .map(([group, us]) => `${group} ${us.toFixed(0)}`)
          .join(", ")}`,
    );
  return [
    render(header),
    render(widths.map((w) => "-".repeat(w))),
    ...lines.map(render),
    "",
    ...notes,
    ...(threads.length > 0 ? ["", "wrk CPU µs per 1-row request by thread:", ...threads] : []),
  ].join("\n");
}

/** Each load's best run (most requests per second), and the highest memory seen. */
function bestOf(a: Row, b: Row): Row {
  const pick = (x: Load | undefined, y: Load | undefined) => (!x || (y && y.reqPerSec > x.reqPerSec) ? y : x);
  const single = pick(a.single, b.single);
  const batch = pick(a.batch, b.batch);
  const wrk = !a.wrk || (b.wrk && b.wrk.reqPerSec > a.wrk.reqPerSec) ? b.wrk : a.wrk;
  return {
    ...a,
    rssMb: Math.max(a.rssMb, b.rssMb),
    ...(single ? { single } : {}),
    ...(batch ? { batch } : {}),
    ...(wrk ? { wrk } : {}),
  };
}

function describe(manifest: Manifest, from: string): string {
  return `${manifest.name} ${manifest.version} (${manifest.model.type}, ${manifest.model.trees} trees, from ${from})`;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
  const scratch = mkdtempSync(join(tmpdir(), "tabula-bench-serve-"));
  try {
    // The pipeline's model: package/ when `npm run repro` built it, else the registry's production version.
    let pipelineModel = join(root, "package");
    if (!existsSync(join(pipelineModel, "manifest.json"))) {
      const registry = join(root, "models/boston");
      const aliases = JSON.parse(readFileSync(join(registry, "aliases.json"), "utf8"));
      pipelineModel = join(registry, aliases.aliases.production);
    }
    wrkAvailable();
    const cores = availableParallelism(); // before --pin narrows this process to one core
    // autocannon runs in this process: with --pin it shares the load generators' core.
    if (args.pin) execFileSync("taskset", ["-pc", LOAD_CPUS, String(process.pid)], { stdio: "ignore" });
    const read = (dir: string) =>
      ManifestSchema.parse(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
    // The design comparison runs on the anchor's own model (a 100-tree forest, built our way), unless --model.
    let model = args.model ? resolve(args.model) : join(scratch, "forest");
    const manifest = args.model ? read(model) : await writeForestPackage(model);
    const pipeline = read(pipelineModel);
    const texts = bodies(manifest);
    const chosen = args.designs ? args.designs.split(",").map((name) => name.trim()) : undefined;
    const designs = DESIGNS.filter(
      (design, i) => !chosen || chosen.includes(String(i + 1)) || chosen.includes(design.name),
    );
    if (args.baseline) {
      const defaults = DESIGNS[0] as Design;
      designs.unshift({
        ...defaults,
        name: `${defaults.name}, baseline build ${args.baseline}`,
        entry: join(resolve(args.baseline), "dist/serve.js"),
      });
    }
    console.log(
      `bench:serve — ${CONNECTIONS} connections, ${duration} s per load (+${warmup} s warm-up), 127.0.0.1`,
    );
    console.log(
      `  designs compared on ${describe(manifest, args.model ?? "the forest model type with its defaults, like the anchor")}`,
    );
    console.log(`  the default design also on the pipeline's model: ${describe(pipeline, "package/")}`);
    const loadAverage = () =>
      loadavg()
        .map((value) => value.toFixed(1))
        .join(", ");
    console.log(
      `  load average before: ${loadAverage()} (${cores} cores)${args.pin ? `; server on core ${SERVER_CPUS}, load generators on core ${LOAD_CPUS}` : ""}`,
    );
    const rows: Row[] = [];
    process.stdout.write(`  ${BARE} …\n`);
    rows.push(await runBare(scratch, texts));
    const repeat = Math.max(1, Number(args.repeat));
    const best = new Map<Design, Row>();
    for (let round = 1; round <= repeat; round++) {
      for (const design of designs) {
        process.stdout.write(`  ${design.name}${repeat > 1 ? ` (round ${round} of ${repeat})` : ""} …\n`);
        const row = await runDesign(design, model, scratch, texts);
        const kept = best.get(design);
        best.set(design, kept ? bestOf(kept, row) : row);
      }
    }
    rows.push(...designs.map((design) => best.get(design) as Row));
    const defaultDesign = DESIGNS[0] as Design;
    if (!args["skip-pipeline"]) {
      process.stdout.write(`  ${defaultDesign.name} on the pipeline's model …\n`);
      model = pipelineModel;
      const onPipeline = await runDesign(defaultDesign, model, scratch, bodies(pipeline));
      rows.push({
        ...onPipeline,
        name: `${defaultDesign.name}, pipeline model (${pipeline.model.type} ${pipeline.model.trees} trees)`,
      });
    }
    if (!args["skip-anchor"]) {
      process.stdout.write("  FastAPI + scikit-learn anchor …\n");
      rows.push(await runAnchor(scratch, texts));
    }
    console.log(`\n${format(rows)}`);
    console.log(`\nload average after: ${loadAverage()}${wrkNote ? `; ${wrkNote}` : ""}`);
    console.log(
      "\nTargets (issue 16): 1-row req/s ≥ 50 % of bare node:http in the same wrk run; p99 ≤ 5 ms at 32 connections; ≤ 50 µs CPU per 1-row request; 100-row ≥ 200,000 rows/s; peak RSS ≤ 150 MB.",
    );
    console.log("The load generator (autocannon, one thread) shares the machine's cores with the server.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
