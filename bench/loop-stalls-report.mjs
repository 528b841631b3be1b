// node bench/loop-stalls-report.mjs STALLS.json [PROFILE.cpuprofile] — attributes the stalls bench/loop-stalls.mjs
// recorded: GC pauses per kind, and each stall over 2 ms classed by what filled it (a GC pause of ≥ 1.5 ms inside
// it, else the profile's samples inside it: the prediction log's checkpoint, writes or maintenance, the access log's
// flush, drift or metrics; a stall with samples for less than half of it had the thread descheduled; else a long
// turn of requests). Env: INTERVAL_US (the profile's --cpu-prof-interval, default 250); LAST_S (only the last N s
// before exit, less TAIL_S = 0.3: the wrk load at the end of a bench:serve design).
import { readFileSync } from "node:fs";

const [stallsFile, profileFile] = process.argv.slice(2);
const intervalMs = Number(process.env.INTERVAL_US ?? 250) / 1000;
const r = JSON.parse(readFileSync(stallsFile, "utf8"));
const last = Number(process.env.LAST_S ?? 0);
if (last > 0) {
  const end = r.toUs - Number(process.env.TAIL_S ?? 0.3) * 1e6;
  r.fromUs = end - last * 1e6;
  r.stalls = r.stalls.filter((s) => s.startUs >= r.fromUs && s.endUs <= end);
  r.gcs = r.gcs.filter((g) => g.startUs >= r.fromUs && g.startUs <= end);
  r.toUs = end;
}
const seconds = (r.toUs - r.fromUs) / 1e6;
const per10s = (n) => ((n * 10) / seconds).toFixed(1);
console.log(
  `${seconds.toFixed(1)} s; loop delay p50 ${r.delay.p50} p99 ${r.delay.p99} max ${r.delay.max} ms`,
);
const kinds = {};
for (const g of r.gcs) {
  const k = kinds[g.kind] ?? { n: 0, ms: 0, over2: 0, max: 0 };
  kinds[g.kind] = k;
  k.n++;
  k.ms += g.ms;
  if (g.ms > 2) k.over2++;
  k.max = Math.max(k.max, g.ms);
}
for (const [kind, k] of Object.entries(kinds))
  console.log(
    `  gc ${kind}: ${per10s(k.n)} per 10 s, ${((k.ms * 10) / seconds).toFixed(0)} ms per 10 s, over 2 ms ${per10s(k.over2)}, max ${k.max.toFixed(1)} ms`,
  );

let samples = [];
let stackOf = () => [];
if (profileFile) {
  const p = JSON.parse(readFileSync(profileFile, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  stackOf = (id) => {
    const out = [];
    for (let x = id; x !== undefined; x = parent.get(x)) out.push(byId.get(x).callFrame.functionName);
    return out;
  };
  let t = p.startTime;
  samples = p.samples.map((id, i) => {
    t += p.timeDeltas[i];
    return { id, t };
  });
}
const WORK = [
  ["log checkpoint", (s) => s.includes("checkpoint")],
  ["log write/commit", (s) => s.some((f) => /writeBatch|writeEntries|writeChunk/.test(f))],
  [
    "log maintenance",
    (s) => s.some((f) => /prune|clearVectors|sumByVersion|reportAwaiting|startOfSuffix/.test(f)),
  ],
  ["access log flush", (s) => s.some((f) => /SonicBoom|actualWrite/.test(f))],
  ["drift/metrics", (s) => s.some((f) => /psi|Psi|PSI|drift|Drift|collect|metrics|Metrics/.test(f))],
];
const classes = {};
for (const stall of r.stalls) {
  const inside = samples.filter((x) => x.t >= stall.startUs && x.t <= stall.endUs);
  const work = {};
  for (const x of inside) {
    const rule = WORK.find(([, holds]) => holds(stackOf(x.id)));
    if (rule) work[rule[0]] = (work[rule[0]] ?? 0) + intervalMs;
  }
  const gcMs = {};
  for (const g of r.gcs)
    if (g.startUs < stall.endUs && g.startUs + g.ms * 1000 > stall.startUs)
      gcMs[g.kind] = (gcMs[g.kind] ?? 0) + g.ms;
  const gc = Object.entries(gcMs).sort((a, b) => b[1] - a[1])[0];
  const busiest = Object.entries(work).sort((a, b) => b[1] - a[1])[0];
  const cause =
    gc && gc[1] >= 1.5
      ? `gc ${gc[0]}`
      : !profileFile
        ? "no gc (no profile to say more)"
        : busiest && busiest[1] >= 1
          ? busiest[0]
          : inside.length * intervalMs < (stall.ms + 1) / 2
            ? "descheduled (few samples)"
            : "requests (a long turn)";
  classes[cause] = [...(classes[cause] ?? []), stall.ms];
}
console.log(
  `  stalls over 2 ms per 10 s by cause (count, median ms, max ms), ${per10s(r.stalls.length)} in all:`,
);
for (const [cause, list] of Object.entries(classes).sort((a, b) => b[1].length - a[1].length)) {
  list.sort((a, b) => a - b);
  console.log(
    `    ${cause.padEnd(28)} ${per10s(list.length).padStart(5)}  ${list[list.length >> 1].toFixed(1)}  ${list[list.length - 1].toFixed(1)}`,
  );
}
