// npm run bench:log-writer-stalls — how long the prediction log's writer holds up the event loop while it writes
// under load, for each place it can run (SERVE_LOG_WRITER): on the event loop itself, and on a thread of its own.
// A generator on the loop records entries at a fixed rate (single-row requests, then 100-row ones), as the server's
// requests would, while perf_hooks.monitorEventLoopDelay samples the loop; "no log" runs the generator alone (its own
// delay: the floor). Retention is set low so that pruning (1,000 rows per statement) and the awaiting-label count
// run during the load, and checkpoints run as in production. Also prints the CPU per row recorded: the main thread's
// and the whole process's (the generator's own cost is the "no log" line).
//
// usage: npm run bench:log-writer-stalls -- [--duration S] [--rate N] [--batch-rate N] [--repeat N] [--max-requests N]
//   [--writers no-log,event-loop,thread]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { type LogWriterPlace, PredictionLog } from "../serve/prediction-log.js";
import type { LogEntry } from "../serve/prediction-log-protocol.js";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    /** Single-row entries per second. */
    rate: { type: "string", default: "10000" },
    /** 100-row entries per second. */
    "batch-rate": { type: "string", default: "1000" },
    repeat: { type: "string", default: "1" },
    /** SERVE_LOG_MAX_REQUESTS (feature rows: 10 ×): low, so that pruning runs during the load; 0: none. */
    "max-requests": { type: "string", default: "20000" },
    /** Which writers to measure, comma-separated (`no-log`: the generator alone). */
    writers: { type: "string", default: "no-log,event-loop,thread" },
  },
});
const seconds = Number(args.duration);

const FEATURES = Array.from({ length: 13 }, (_, i) => ({ name: `f${i}` }));
const encoder = new TextEncoder();

function entry(n: number, rows: number): LogEntry {
  const row = Object.fromEntries(
    FEATURES.map(({ name }, i) => [name, Math.round(((n + i) % 97) * 1.37 * 100) / 100]),
  );
  const body = rows === 1 ? { features: row } : { instances: Array.from({ length: rows }, () => row) };
  return {
    requestId: `0197a3c2-${String(n).padStart(4, "0")}-7000-8000-000000000000`,
    time: Date.now(),
    version: "bench",
    rows,
    request: encoder.encode(JSON.stringify(body)),
    predictions: JSON.stringify(Array.from({ length: rows }, (_, i) => 20 + ((n + i) % 13) / 7)),
    latencyMs: 0.8,
    features: new Float32Array(rows * FEATURES.length).fill(n % 7),
  };
}

interface Phase {
  name: string;
  rows: number;
  perSecond: number;
}

const PHASES: Phase[] = [
  { name: "1-row", rows: 1, perSecond: Number(args.rate) },
  { name: "100-row", rows: 100, perSecond: Number(args["batch-rate"]) },
];

interface Measured {
  writer: string;
  phase: string;
  recorded: number;
  written: number;
  dropped: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU per row recorded, µs: the main thread's, and the whole process's (the writer's thread included). */
  loopCpu: number;
  processCpu: number;
}

/** Records `phase`'s entries at its rate for `seconds` (catching up every millisecond) and samples the loop. */
async function load(
  log: PredictionLog | undefined,
  phase: Phase,
): Promise<{ recorded: number; delay: number[] }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const built = Array.from({ length: 64 }, (_, i) => entry(i, phase.rows));
  let recorded = 0;
  const idPrefix = `${Date.now().toString(16)}-${phase.name}`;
  const start = performance.now();
  histogram.enable();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      const due = Math.floor(Math.min(elapsed, seconds) * phase.perSecond);
      for (; recorded < due; recorded++) {
        const one = built[recorded % built.length] as LogEntry;
        // Ids that grow, as the server's UUID v7 do (the request-id indexes are appended to at their right edge).
        log?.record(
          { ...one, requestId: `${idPrefix}-${String(recorded).padStart(12, "0")}`, time: Date.now() },
          FEATURES,
        );
      }
      if (elapsed >= seconds) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  histogram.disable();
  const ms = (ns: number) => ns / 1e6;
  return {
    recorded: recorded * phase.rows,
    delay: [ms(histogram.percentile(50)), ms(histogram.percentile(99)), ms(histogram.max)],
  };
}

async function measure(writer: LogWriterPlace | "no log"): Promise<Measured[]> {
  const dir = mkdtempSync(join(tmpdir(), "log-writer-stalls-"));
  let written = 0;
  let dropped = 0;
  const log =
    writer === "no log"
      ? undefined
      : new PredictionLog(
          {
            dataDir: dir,
            maxQueuedRows: 10_000,
            flushMs: 50,
            retentionDays: 30,
            maxRequests: Number(args["max-requests"]),
            maxFeatureRows: 10 * Number(args["max-requests"]),
            maintenanceMs: 2000,
            writer,
          },
          {
            onDropped: (rows) => {
              dropped += rows;
            },
            onWritten: (rows) => {
              written += rows;
            },
            onError: (message) => console.error(`  ${writer}: ${message}`),
          },
        );
  if (log) {
    const opened = await log.start();
    if (!opened.ok) throw new Error(opened.error.message);
  }
  const results: Measured[] = [];
  try {
    for (const phase of PHASES) {
      const before = { written, dropped };
      const cpu = { loop: process.threadCpuUsage(), process: process.cpuUsage() };
      const { recorded, delay } = await load(log, phase);
      // Let the writer finish what was recorded before the next phase (or the close) starts.
      for (let i = 0; i < 200 && log && log.pendingRows > 0; i++)
        await new Promise((resolveLater) => setTimeout(resolveLater, 25));
      const loopCpu = process.threadCpuUsage(cpu.loop);
      const processCpu = process.cpuUsage(cpu.process);
      const [p50 = 0, p99 = 0, max = 0] = delay;
      results.push({
        writer,
        phase: phase.name,
        recorded,
        written: written - before.written,
        dropped: dropped - before.dropped,
        p50,
        p99,
        max,
        loopCpu: (loopCpu.user + loopCpu.system) / recorded,
        processCpu: (processCpu.user + processCpu.system) / recorded,
      });
    }
  } finally {
    await log?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

const writers = args.writers
  .split(",")
  .map((name) => (name === "no-log" ? "no log" : name) as LogWriterPlace | "no log");
console.log(
  `bench:log-writer-stalls — ${seconds} s per phase, 1-row ${args.rate}/s, 100-row ${args["batch-rate"]}/s; load average before ${loadavg()[0]?.toFixed(1)}`,
);
const rows: Measured[] = [];
for (let round = 0; round < Number(args.repeat); round++)
  for (const writer of writers) rows.push(...(await measure(writer)));
console.log(
  "\n| writer | load | rows recorded | written | dropped | loop delay p50 ms | p99 ms | max ms | CPU µs/row: loop | process |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
);
const fixed = (value: number) => value.toFixed(2);
for (const row of rows)
  console.log(
    `| ${row.writer} | ${row.phase} | ${row.recorded} | ${row.written} | ${row.dropped} | ${fixed(row.p50)} | ${fixed(row.p99)} | ${fixed(row.max)} | ${fixed(row.loopCpu)} | ${fixed(row.processCpu)} |`,
  );
console.log(
  `\nload average after ${loadavg()[0]?.toFixed(1)} (the delay of "no log" is the generator's own and the machine's)`,
);
