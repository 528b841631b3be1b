// `npm run bench:gbt-threads -- [--rows 200000] [--features 10] [--repeats 5] [--threads 1,2,3]`: the histogram
// gbt's fit at each thread count, alternately in one process (so every count sees the same machine load), with
// what explains the threaded fits' speed-up beside the wall time: the calling thread's CPU, the worker threads'
// CPU, the commands the calling thread gave the workers (each a wake-up and a wait), the times it handed them new
// memory (a message round trip; workers keep the arrays they hold), and the time the calling
// thread spent waiting for the workers after its own share. Best of the repeats for the times; the machine's
// load average beside them, since other processes share the cores.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { compileEnsemble, getModelType } from "../src/ml/models/index.js";
import { asTrainingSet, friedman1 } from "./train-synthetic.js";

const { values: options } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    features: { type: "string", default: "10" },
    repeats: { type: "string", default: "5" },
    threads: { type: "string", default: "1,2" },
  },
});
const rows = Number(options.rows);
const features = Number(options.features);
const repeats = Number(options.repeats);
const threadCounts = options.threads.split(",").map(Number);

const found = getModelType("gbt");
if (!found.ok) throw new Error(found.error.message);
const params = found.value.params.parse({ tree_method: "hist" });
const { threadedStats, poolCpuMicros } = await import("../src/ml/models/hist/threaded-executor.js");
const train = asTrainingSet(friedman1(rows, 1, { features }));
const test = friedman1(50_000, 2, { features });
// Starts the worker threads (a process keeps them for all its fits): the first fit's time, apart.
const threadStart = new Map<number, number>();
for (const threads of threadCounts)
  if (threads > 1) {
    const started = performance.now();
    await found.value.fit(asTrainingSet(friedman1(2000, 3, { features })), params, { seed: 1, threads });
    threadStart.set(threads, (performance.now() - started) / 1000);
  }

interface Fit {
  wall: number;
  mainCpu: number;
  workerCpu: number;
  commands: number;
  attaches: number;
  idle: number;
  /** Seconds within commands (the rest of the wall: the calling thread alone). */
  inCommands: number;
  testMse: number;
}
const fits = new Map<number, Fit[]>(threadCounts.map((threads) => [threads, []]));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
for (let repeat = 0; repeat < repeats; repeat++)
  for (const threads of threadCounts) {
    const workersBefore = sum(await poolCpuMicros());
    const { commands, idleMs, commandMs, attaches } = threadedStats;
    const mainBefore = process.threadCpuUsage();
    const started = performance.now();
    const ensemble = await found.value.fit(train, params, { seed: 42, threads });
    const wall = (performance.now() - started) / 1000;
    const main = process.threadCpuUsage(mainBefore);
    const workerCpu = (sum(await poolCpuMicros()) - workersBefore) / 1e6;
    const predicted = compileEnsemble(ensemble).outputs(test.x);
    let squares = 0;
    for (let i = 0; i < test.rows; i++) squares += ((predicted[i] as number) - (test.y[i] as number)) ** 2;
    fits.get(threads)?.push({
      wall,
      mainCpu: (main.user + main.system) / 1e6,
      workerCpu,
      commands: threadedStats.commands - commands,
      attaches: threadedStats.attaches - attaches,
      idle: (threadedStats.idleMs - idleMs) / 1000,
      inCommands: (threadedStats.commandMs - commandMs) / 1000,
      testMse: squares / test.rows,
    });
  }

console.log(`\n## gbt hist, ${rows} rows × ${features} features, 100 rounds, depth 6: best of ${repeats}`);
console.log(
  `load average at the end: ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}`,
);
console.log(
  "\n| threads | wall (best) | wall (median) | calling thread CPU | worker threads CPU | commands | new memory handed over | calling thread idle | calling thread alone | test MSE |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const best = (values: number[]) => Math.min(...values);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
for (const [threads, list] of fits) {
  const walls = list.map((fit) => fit.wall);
  console.log(
    `| ${threads} | ${best(walls).toFixed(3)} s | ${median(walls).toFixed(3)} s | ${best(list.map((fit) => fit.mainCpu)).toFixed(3)} s | ${best(list.map((fit) => fit.workerCpu)).toFixed(3)} s | ${list[0]?.commands} | ${list[0]?.attaches} | ${best(list.map((fit) => fit.idle)).toFixed(3)} s | ${threads > 1 ? `${best(list.map((fit) => fit.wall - fit.inCommands)).toFixed(3)} s` : ""} | ${list[0]?.testMse} |`,
  );
}
for (const [threads, seconds] of threadStart)
  console.log(
    `\n${threads} threads: the process's first fit (2,000 rows, starting the worker threads) took ${seconds.toFixed(3)} s, not counted above`,
  );
const one = fits.get(1);
if (one !== undefined)
  for (const [threads, list] of fits)
    if (threads > 1) {
      // Paired: each repeat's fits ran one after the other.
      const ratios = list.map((fit, i) => (one[i]?.wall ?? Number.NaN) / fit.wall);
      console.log(
        `\n${threads} threads: speed-up best/best ${(best(one.map((fit) => fit.wall)) / best(list.map((fit) => fit.wall))).toFixed(2)}×, paired ${ratios.map((r) => r.toFixed(2)).join(" ")}`,
      );
    }
process.exit(0);
