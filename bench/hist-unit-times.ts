// `npm run bench:hist-unit-times -- [--rows 200000] [--features 10] [--threads 1,2]`: where a histogram gbt fit
// spends its time, thread by thread. Each thread count runs in a process of its own with TABULA_HIST_UNIT_TIMES
// set (src/ml/models/hist/unit-times.ts: every unit each thread runs, every command the calling thread gives),
// after a small fit that starts the worker threads. Prints, per kind of unit, the milliseconds each thread spent
// in them (the sum against one thread's shows what threading adds to the work itself); per command position in a
// boosting round, the wall time and the calling thread's wait for the workers; and the fit by quarters of its
// rounds (the first carries the JIT's warm-up).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { splitPhaseUnits } from "../src/ml/models/hist/thread-work.js";
import type { UnitTimesFile } from "../src/ml/models/hist/unit-times.js";

const { values: options } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    features: { type: "string", default: "10" },
    threads: { type: "string", default: "1,2" },
    child: { type: "string" },
  },
});
const rows = Number(options.rows);
const features = Number(options.features);

/** In the timed process: the fit, then its start and end on the records' clock. */
async function child(threads: number): Promise<void> {
  const { getModelType } = await import("../src/ml/models/index.js");
  const { asTrainingSet, friedman1 } = await import("./train-synthetic.js");
  const { sharedClock } = await import("../src/ml/models/hist/unit-times.js");
  const found = getModelType("gbt");
  if (!found.ok) throw new Error(found.error.message);
  const params = found.value.params.parse({ tree_method: "hist" });
  const train = asTrainingSet(friedman1(rows, 1, { features }));
  if (threads > 1)
    await found.value.fit(asTrainingSet(friedman1(2000, 3, { features })), params, { seed: 1, threads });
  const start = sharedClock();
  await found.value.fit(train, params, { seed: 42, threads });
  const end = sharedClock();
  // The workers write their records when the fit releases them, on their own threads.
  const prefix = process.env.TABULA_HIST_UNIT_TIMES as string;
  for (let w = 1; w < threads; w++)
    for (const until = Date.now() + 5000; Date.now() < until; ) {
      if (existsSync(`${prefix}.${w}.json`) && lastUnitEnd(`${prefix}.${w}.json`) >= start) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  console.log(JSON.stringify({ start, end }));
}

function lastUnitEnd(file: string): number {
  try {
    const { units } = JSON.parse(readFileSync(file, "utf8")) as UnitTimesFile;
    return units.length === 0 ? 0 : (units[units.length - 1] as number);
  } catch {
    return 0; // being written
  }
}

const OP_NAMES: Record<number, string> = {
  3: "cuts",
  4: "bin",
  6: "last level: scores",
  17: "reduce + splits",
  18: "derivatives",
  21: "root",
  22: "level",
  23: "histograms + splits",
};
const OP_SAMPLE_SPLITS = 21;

interface Unit {
  op: number;
  unit: number;
  start: number;
  end: number;
}
interface Command {
  op: number;
  start: number;
  end: number;
  own: number;
}

function parent(): void {
  const directory = mkdtempSync(join(tmpdir(), "hist-unit-times-"));
  const sums = new Map<string, Map<number, number>>();
  const counts = options.threads.split(",").map(Number);
  console.log(`\n## Histogram gbt, ${rows} rows × ${features} features: time by thread and unit\n`);
  for (const threads of counts) {
    const prefix = join(directory, `t${threads}`);
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "bench/hist-unit-times.ts",
        "--child",
        String(threads),
        "--rows",
        String(rows),
        "--features",
        String(features),
      ],
      { encoding: "utf8", env: { ...process.env, TABULA_HIST_UNIT_TIMES: prefix }, maxBuffer: 1 << 24 },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    const { start, end } = JSON.parse(run.stdout.trim().split("\n").pop() as string) as {
      start: number;
      end: number;
    };
    const files = Array.from(
      { length: threads },
      (_, t) => JSON.parse(readFileSync(`${prefix}.${t}.json`, "utf8")) as UnitTimesFile,
    );
    const unitsOf = (file: UnitTimesFile) =>
      chunks(file.units, 4)
        .map(([op, unit, s, e]) => ({ op, unit, start: s, end: e }) as Unit)
        .filter((u) => u.start >= start && u.end <= end);
    const units = files.map(unitsOf);
    const commands = chunks(files[0]?.commands ?? [], 4)
      .map(([op, s, e, own]) => ({ op, start: s, end: e, own }) as Command)
      .filter((c) => c.start >= start && c.end <= end);
    console.log(`### ${threads} thread${threads > 1 ? "s" : ""}: fit ${(end - start).toFixed(0)} ms\n`);
    printByKind(units, sums, threads);
    if (threads > 1) printRounds(commands, start, end);
    else printQuarters(units[0] ?? [], start, end);
  }
  if (counts.length > 1) {
    console.log("### Work in units, summed over threads (ms)\n");
    console.log(`| unit | ${counts.map((t) => `${t} thread${t > 1 ? "s" : ""}`).join(" | ")} |`);
    console.log(`| --- | ${counts.map(() => "---:").join(" | ")} |`);
    for (const [kind, byThreads] of sums)
      console.log(`| ${kind} | ${counts.map((t) => (byThreads.get(t) ?? 0).toFixed(1)).join(" | ")} |`);
    console.log("");
  }
  rmSync(directory, { recursive: true, force: true });
}

function chunks(flat: number[], size: number): number[][] {
  return Array.from({ length: flat.length / size }, (_, i) => flat.slice(i * size, (i + 1) * size));
}

/** A unit's kind: its op, and for two-phase ops which phase (the second: reduce + splits). */
function kindOf({ op, unit }: Unit, firstPhaseUnits: Map<number, number>): string {
  const name = OP_NAMES[op] ?? `op ${op}`;
  const phase = firstPhaseUnits.get(op);
  if (phase === undefined) return name;
  return unit < phase ? `${name}: partition + histograms` : `${name}: reduce + splits`;
}

function printByKind(units: Unit[][], sums: Map<string, Map<number, number>>, threads: number): void {
  // Two-phase ops' first phases, with gbt's 2 row blocks.
  const firstPhaseUnits = new Map([21, 22, 23].map((op) => [op, splitPhaseUnits(op, 2)]));
  const byKind = new Map<string, number[]>();
  units.forEach((list, thread) => {
    for (const u of list) {
      const kind = kindOf(u, firstPhaseUnits);
      const row = byKind.get(kind) ?? Array.from({ length: threads }, () => 0);
      row[thread] = (row[thread] ?? 0) + (u.end - u.start);
      byKind.set(kind, row);
    }
  });
  console.log(
    `| unit | ${units.map((_, t) => (t === 0 ? "calling thread" : `worker ${t}`)).join(" | ")} | sum |`,
  );
  console.log(`| --- | ${units.map(() => "---:").join(" | ")} | ---: |`);
  for (const [kind, row] of [...byKind].sort((a, b) => sum(b[1]) - sum(a[1]))) {
    console.log(`| ${kind} | ${row.map((ms) => ms.toFixed(1)).join(" | ")} | ${sum(row).toFixed(1)} |`);
    const byThreads = sums.get(kind) ?? new Map<number, number>();
    byThreads.set(threads, sum(row));
    sums.set(kind, byThreads);
  }
  const total = units.map((list) => sum(list.map((u) => u.end - u.start)));
  console.log(`| all units | ${total.map((ms) => ms.toFixed(1)).join(" | ")} | ${sum(total).toFixed(1)} |\n`);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Per command position in a round (from one root to the next), over the rounds after the first quarter. */
function printRounds(commands: Command[], start: number, end: number): void {
  const roots = commands.flatMap((c, i) => (c.op === OP_SAMPLE_SPLITS ? [i] : []));
  const steady = roots.slice(Math.floor(roots.length / 4));
  const positions: { op: number; n: number; wall: number; wait: number; after: number }[] = [];
  steady.forEach((first, r) => {
    const last = r + 1 < steady.length ? (steady[r + 1] as number) : commands.length;
    for (let i = first; i < last; i++) {
      const c = commands[i] as Command;
      const p = positions[i - first] ?? { op: c.op, n: 0, wall: 0, wait: 0, after: 0 };
      positions[i - first] = p;
      p.n++;
      p.wall += c.end - c.start;
      p.wait += c.end - c.start - c.own;
      p.after += (i + 1 < commands.length ? (commands[i + 1] as Command).start : end) - c.end;
    }
  });
  console.log(`Rounds ${roots.length - steady.length + 1}–${roots.length}, per command of a round (ms):\n`);
  console.log("| command | wall | calling thread waiting | calling thread alone after it |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const p of positions)
    console.log(
      `| ${OP_NAMES[p.op] ?? p.op} | ${(p.wall / p.n).toFixed(3)} | ${(p.wait / p.n).toFixed(3)} | ${(p.after / p.n).toFixed(3)} |`,
    );
  const span = (from: number, to: number) => {
    const list = commands.slice(from, to);
    const inCommands = sum(list.map((c) => c.end - c.start));
    const waiting = sum(list.map((c) => c.end - c.start - c.own));
    const spanEnd = to < commands.length ? (commands[to] as Command).start : end;
    const spanStart = from === 0 ? start : (commands[from] as Command).start;
    return { span: spanEnd - spanStart, inCommands, waiting };
  };
  console.log("\n| quarter of the rounds | ms | in commands | calling thread waiting |");
  console.log("| --- | ---: | ---: | ---: |");
  for (let q = 0; q < 4; q++) {
    const from = q === 0 ? 0 : (roots[Math.floor((q * roots.length) / 4)] as number);
    const to = q === 3 ? commands.length : (roots[Math.floor(((q + 1) * roots.length) / 4)] as number);
    const s = span(from, to);
    console.log(
      `| ${q + 1}${q === 0 ? " (with binning)" : ""} | ${s.span.toFixed(1)} | ${s.inCommands.toFixed(1)} | ${s.waiting.toFixed(1)} |`,
    );
  }
  console.log("");
}

/** One thread: the fit by quarters of its rounds (a round starts at its root's first unit). */
function printQuarters(units: Unit[], start: number, end: number): void {
  const roots = units.flatMap((u, i) => (u.op === OP_SAMPLE_SPLITS && u.unit === 0 ? [i] : []));
  console.log("| quarter of the rounds | ms | in units |");
  console.log("| --- | ---: | ---: |");
  for (let q = 0; q < 4; q++) {
    const from = q === 0 ? 0 : (roots[Math.floor((q * roots.length) / 4)] as number);
    const to = q === 3 ? units.length : (roots[Math.floor(((q + 1) * roots.length) / 4)] as number);
    const spanStart = q === 0 ? start : (units[from] as Unit).start;
    const spanEnd = to < units.length ? (units[to] as Unit).start : end;
    const inUnits = sum(units.slice(from, to).map((u) => u.end - u.start));
    console.log(
      `| ${q + 1}${q === 0 ? " (with binning)" : ""} | ${(spanEnd - spanStart).toFixed(1)} | ${inUnits.toFixed(1)} |`,
    );
  }
  console.log("");
}

if (options.child !== undefined) await child(Number(options.child));
else parent();
