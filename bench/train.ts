// `npm run bench:train`: fit time and test MSE of every model type, next to scikit-learn's random forest and
// XGBoost run in the same invocation on the same rows (bench/baselines/train_baselines.py).
//
// usage: npm run bench:train -- [--repeats 5] [--seeds 10] [--scale 10] [--ml-rf-repeats 3] [--no-python]
//                               [--csv data/raw/boston.csv --target cmedv --split bench/baselines/split_80_20_seed42.json]
//        npm run bench:train -- --rows 200000 [--features 10] [--forest-trees 20] [--no-exact] [--data-seeds 1]
//        [--only forest|gbt] [--repeats 1]
//                               (bench/train-large.ts)
//
// Wall time is what a user waits; CPU time of one-thread fits is printed too, as it moves less when other
// processes share the machine.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { getModelType, type ModelTypeName } from "../src/ml/models/index.js";
import type { TrainingSet } from "../src/ml/models/model-type.js";
import { predictOutputs, type TreeEnsemble } from "../src/ml/models/tree-ensemble.js";
import { median } from "./median.js";
import { loadSplit, replicateRows } from "./train-data.js";

const { values: options } = parseArgs({
  options: {
    // No default here: 5 for the small benchmark, 1 for the large one (--rows).
    repeats: { type: "string" },
    seeds: { type: "string", default: "10" },
    scale: { type: "string", default: "10" },
    "ml-rf-repeats": { type: "string", default: "3" },
    "no-python": { type: "boolean", default: false },
    csv: { type: "string", default: "data/raw/boston.csv" },
    target: { type: "string", default: "cmedv" },
    split: { type: "string", default: "bench/baselines/split_80_20_seed42.json" },
    rows: { type: "string" },
    features: { type: "string", default: "10" },
    "forest-trees": { type: "string", default: "20" },
    "no-exact": { type: "boolean", default: false },
    "data-seeds": { type: "string", default: "1" },
    only: { type: "string" },
  },
});
if (options.rows !== undefined) {
  // The large-data benchmark (histogram learners, XGBoost hist, scikit-learn HistGradientBoosting).
  const { runLarge, parseOnly, parseRepeats } = await import("./train-large.js");
  runLarge({
    rows: Number(options.rows),
    features: Number(options.features),
    forestTrees: Number(options["forest-trees"]),
    exact: !options["no-exact"],
    python: !options["no-python"],
    dataSeeds: Number(options["data-seeds"]),
    only: parseOnly(options.only),
    repeats: parseRepeats(options.repeats),
  });
  process.exit(0);
}
const repeats = Number(options.repeats ?? "5");
const seeds = Number(options.seeds);
const scale = Number(options.scale);
const mlRfRepeats = Number(options["ml-rf-repeats"]);
const PYTHON = "/usr/bin/python3";

/** Median wall and process CPU seconds of a configuration, and its test MSE. */
interface Timing {
  seconds: number;
  cpu?: number;
  mse?: number;
}

interface BaselineFit {
  fit_s: number;
  cpu_s: number;
  mse: number;
}

interface Baselines {
  skipped?: string;
  env?: Record<string, string>;
  rf_jobs1?: BaselineFit;
  rf_jobs2?: BaselineFit;
  rf_seeds?: { mean: number; std: number; n: number };
  xgb?: BaselineFit;
  xgb_jobs1?: BaselineFit;
  xgb_mean_base?: BaselineFit;
  scale?: {
    rows: number;
    rf_jobs1_fit_s: number;
    rf_jobs1_cpu_s: number;
    rf_jobs2_fit_s: number;
    xgb_fit_s?: number;
    xgb_jobs1_fit_s?: number;
    xgb_jobs1_cpu_s?: number;
  };
}

function runBaselines(): Baselines {
  if (options["no-python"]) return { skipped: "--no-python" };
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const script = "bench/baselines/train_baselines.py";
  const args = [script, "--csv", options.csv, "--split", options.split, "--target", options.target];
  args.push("--repeats", String(repeats), "--seeds", String(seeds), "--scale", String(scale));
  console.error(`running the Python baselines (${script}) …`);
  const run = spawnSync(PYTHON, args, { encoding: "utf8" });
  if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split("\n").pop()}` };
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Baselines;
}

/** A baseline's figures as a Timing (CPU only for one-thread configurations). */
function fromBaseline(fit: BaselineFit | undefined, oneThread: boolean): Timing | undefined {
  if (fit === undefined) return undefined;
  return { seconds: fit.fit_s, mse: fit.mse, ...(oneThread ? { cpu: fit.cpu_s } : {}) };
}

const { train, test } = loadSplit(options.csv, options.split, options.target);

function testMse(model: TreeEnsemble): number {
  const predicted = predictOutputs(model, test.x);
  let sum = 0;
  for (let i = 0; i < test.rows; i++) sum += ((predicted[i] as number) - (test.y[i] as number)) ** 2;
  return sum / test.rows;
}

async function fitOnce(
  name: ModelTypeName,
  data: TrainingSet,
  params: object,
  seed: number,
  threads: number,
) {
  const found = getModelType(name);
  if (!found.ok) throw new Error(found.error.message);
  const parsed = found.value.params.parse(params);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const model = await found.value.fit(data, parsed, { seed, threads });
  const cpu = process.cpuUsage(cpuStarted);
  return { model, seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function timedFits(
  name: ModelTypeName,
  data: TrainingSet,
  params: object,
  threads: number,
  count: number,
): Promise<Timing> {
  const seconds: number[] = [];
  const cpu: number[] = [];
  let model: TreeEnsemble | undefined;
  // At least one fit: the row needs a model for its MSE (--repeats 0 would otherwise leave none).
  for (let i = 0; i < Math.max(1, count); i++) {
    const fit = await fitOnce(name, data, params, 42, threads);
    seconds.push(fit.seconds);
    cpu.push(fit.cpu);
    model = fit.model;
  }
  if (model === undefined) throw new Error("no fit");
  return {
    seconds: median(seconds),
    ...(threads === 1 ? { cpu: median(cpu) } : {}),
    ...(data === train ? { mse: testMse(model) } : {}),
  };
}

async function seedSpread(name: ModelTypeName, params: object) {
  const errors: number[] = [];
  for (let seed = 0; seed < seeds; seed++)
    errors.push(testMse((await fitOnce(name, train, params, seed, 1)).model));
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  const std = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, errors.length - 1));
  return { mean, std, n: errors.length };
}

const baselines = runBaselines();
console.error("fitting our model types …");
const forestParams = { n_estimators: 100 };
// Warm-up (the JIT needs a few fits to settle; the Python side warms up too).
for (let i = 0; i < 3; i++) await fitOnce("forest", train, forestParams, i, 1);
const cold = await fitOnce("forest", train, forestParams, 42, 2); // includes starting the worker threads
const forest1 = await timedFits("forest", train, forestParams, 1, repeats);
const forest2 = await timedFits("forest", train, forestParams, 2, repeats);
const forestSeeds = await seedSpread("forest", forestParams);
for (let i = 0; i < 3; i++) await fitOnce("gbt", train, {}, i, 1);
const gbt = await timedFits("gbt", train, {}, 1, repeats);
const mlRf =
  mlRfRepeats > 0 ? await timedFits("ml-random-forest", train, forestParams, 1, mlRfRepeats) : undefined;

const seconds = (value: number | undefined) => (value === undefined ? "–" : `${value.toFixed(3)} s`);
const row = (name: string, timing: Timing | undefined, spread = "") =>
  `| ${name} | ${seconds(timing?.seconds)} | ${timing?.cpu === undefined ? "" : seconds(timing.cpu)} | ${
    timing?.mse === undefined ? "–" : timing.mse.toFixed(2)
  } | ${spread} |`;
const spreadOf = (value?: { mean: number; std: number }) =>
  value === undefined ? "–" : `${value.mean.toFixed(2)} ± ${value.std.toFixed(2)}`;

console.log(
  `\n## bench:train — ${options.csv}, ${train.rows} train / ${test.rows} test rows, target ${options.target}`,
);
console.log(`node ${process.version}, ${availableParallelism()} cores; fit = median of ${repeats} fits`);
if (baselines.env)
  console.log(
    `baselines: ${Object.entries(baselines.env)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
if (baselines.skipped) console.log(`baselines skipped: ${baselines.skipped}`);
console.log(
  `\n| model | fit (wall) | fit (CPU, 1 thread) | test MSE (seed 42) | test MSE over ${seeds} seeds |`,
);
console.log("| --- | ---: | ---: | ---: | ---: |");
console.log(row("ours: forest, 100 trees, 1 thread", forest1, spreadOf(forestSeeds)));
console.log(row("ours: forest, 100 trees, 2 threads", forest2, "(same forest)"));
console.log(
  row(
    "sklearn RandomForestRegressor, n_jobs=1",
    fromBaseline(baselines.rf_jobs1, true),
    spreadOf(baselines.rf_seeds),
  ),
);
console.log(row("sklearn RandomForestRegressor, n_jobs=2", fromBaseline(baselines.rf_jobs2, false)));
console.log(row("ours: gbt defaults (100 rounds, depth 6, η 0.3, λ 1, base = mean)", gbt, "deterministic"));
console.log(row("XGBoost defaults (base_score 0.5 in 1.x), all cores", fromBaseline(baselines.xgb, false)));
console.log(row("XGBoost defaults, n_jobs=1", fromBaseline(baselines.xgb_jobs1, true)));
console.log(row("XGBoost, base_score = mean, n_jobs=1", fromBaseline(baselines.xgb_mean_base, true)));
console.log(
  mlRf === undefined
    ? "| ml-random-forest, 100 trees | skipped (--ml-rf-repeats 0) | | | |"
    : row(`ml-random-forest, 100 trees (median of ${mlRfRepeats})`, mlRf),
);
console.log(`\nforest, 2 threads, first fit of the process (starting the threads): ${seconds(cold.seconds)}`);

if (scale > 1) {
  const big = replicateRows(train, scale, 0);
  const count = Math.max(1, Math.floor(repeats / 2));
  const py = baselines.scale;
  console.log(`\n| ${scale}× rows (${big.rows}, jittered copies) | fit (wall) | fit (CPU, 1 thread) | | |`);
  console.log("| --- | ---: | ---: | --- | --- |");
  console.log(row("ours: forest, 1 thread", await timedFits("forest", big, forestParams, 1, count)));
  console.log(row("ours: forest, 2 threads", await timedFits("forest", big, forestParams, 2, count)));
  const pyTiming = (wall?: number, cpu?: number) =>
    wall === undefined ? undefined : { seconds: wall, ...(cpu === undefined ? {} : { cpu }) };
  console.log(row("sklearn RF, n_jobs=1", pyTiming(py?.rf_jobs1_fit_s, py?.rf_jobs1_cpu_s)));
  console.log(row("sklearn RF, n_jobs=2", pyTiming(py?.rf_jobs2_fit_s)));
  console.log(row("ours: gbt", await timedFits("gbt", big, {}, 1, count)));
  console.log(row("XGBoost defaults, all cores", pyTiming(py?.xgb_fit_s)));
  console.log(row("XGBoost defaults, n_jobs=1", pyTiming(py?.xgb_jobs1_fit_s, py?.xgb_jobs1_cpu_s)));
}
