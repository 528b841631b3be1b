// node --import ./bench/loop-stalls.mjs dist/serve.js — records the event loop's stalls and V8's GC pauses in a
// server under load, for attributing its tail latency (serve/README.md, "Where the slow requests come from").
// A 1 ms interval timer notes every gap between its callbacks beyond LOOP_STALLS_MIN_MS (default 2) with its start
// and end (process.hrtime in µs: the clock of a `--cpu-prof` profile's timestamps, so the profile's samples inside a
// stall can be attributed to it), a `gc` PerformanceObserver notes every collection (kind, start, duration), and
// monitorEventLoopDelay (1 ms resolution) gives the delay's distribution. Written as JSON to LOOP_STALLS_OUT at exit
// (SIGTERM included). LOOP_STALLS_FROM_MS: ignore the first milliseconds (a warm-up); SIGUSR2 starts afresh.
import { writeFileSync } from "node:fs";
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";

const out = process.env.LOOP_STALLS_OUT;
const minMs = Number(process.env.LOOP_STALLS_MIN_MS ?? 2);
const fromMs = Number(process.env.LOOP_STALLS_FROM_MS ?? 0);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const startedUs = nowUs();
const recording = () => nowUs() - startedUs >= fromMs * 1000;

const stalls = [];
const gcs = [];
const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
// performance.now() is hrtime since timeOrigin: convert to hrtime µs.
const originUs = nowUs() - performance.now() * 1000;

const histogram = monitorEventLoopDelay({ resolution: 1 });
let last = nowUs();
const ticker = setInterval(() => {
  const now = nowUs();
  const gap = (now - last) / 1000 - 1;
  if (gap >= minMs && recording()) stalls.push({ startUs: last, endUs: now, ms: gap });
  last = now;
}, 1);
ticker.unref();

const observer = new PerformanceObserver((list) => {
  if (!recording()) return;
  for (const entry of list.getEntries())
    gcs.push({
      kind: GC_KINDS[entry.detail?.kind] ?? String(entry.detail?.kind),
      startUs: originUs + entry.startTime * 1000,
      ms: entry.duration,
    });
});
observer.observe({ entryTypes: ["gc"] });
setTimeout(() => histogram.enable(), fromMs).unref();

// SIGUSR2: start afresh (after a warm-up load).
let resetUs = startedUs + fromMs * 1000;
process.on("SIGUSR2", () => {
  stalls.length = 0;
  gcs.length = 0;
  histogram.reset();
  histogram.enable();
  resetUs = nowUs();
});

let written = false;
function write() {
  if (written || !out) return;
  written = true;
  const q = (p) => histogram.percentile(p) / 1e6;
  writeFileSync(
    out,
    JSON.stringify({
      fromUs: resetUs,
      toUs: nowUs(),
      delay: { p50: q(50), p99: q(99), p999: q(99.9), max: histogram.max / 1e6, count: histogram.count },
      stalls,
      gcs,
    }),
  );
}
process.on("exit", write);
process.prependListener("SIGTERM", write);
