// `npm run bench:train`: fit time and test MSE of every model type, next to scikit-learn's random forest and
// XGBoost run in the same invocation on the same rows (bench/baselines/train_baselines.py).
//
// usage: npm run bench:train -- [--repeats 5] [--seeds 10] [--scale 10] [--ml-rf-repeats 3] [--no-python]
//                               [--csv data/raw/boston.csv --target cmedv --split bench/baselines/split_80_20_seed42.json]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { getModelType, type ModelTypeName } from "../src/ml/models/index.js";
import type { TrainingSet } from "../src/ml/models/model-type.js";
import { predictOutputs } from "../src/ml/models/tree-ensemble.js";
import { loadSplit, replicateRows } from "./train-data.js";

const { values: options } = parseArgs({
  options: {
    repeats: { type: "string", default: "5" },
    seeds: { type: "string", default: "10" },
    scale: { type: "string", default: "10" },
    "ml-rf-repeats": { type: "string", default: "3" },
    "no-python": { type: "boolean", default: false },
    csv: { type: "string", default: "data/raw/boston.csv" },
    target: { type: "string", default: "cmedv" },
    split: { type: "string", default: "bench/baselines/split_80_20_seed42.json" },
  },
});
const repeats = Number(options.repeats);
const seeds = Number(options.seeds);
const scale = Number(options.scale);
const PYTHON = "/usr/bin/python3";

interface Baselines {
  skipped?: string;
  env?: Record<string, string>;
  rf_jobs1?: { fit_s: number; mse: number };
  rf_jobs2?: { fit_s: number; mse: number };
  rf_seeds?: { mean: number; std: number; n: number };
  xgb?: { fit_s: number; mse: number };
  xgb_jobs1?: { fit_s: number; mse: number };
  xgb_mean_base?: { fit_s: number; mse: number };
  scale?: { rows: number; rf_jobs1_fit_s: number; rf_jobs2_fit_s: number; xgb_fit_s?: number };
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const { train, test } = loadSplit(options.csv, options.split, options.target);

function testMse(model: Awaited<ReturnType<typeof fitOnce>>["model"]): number {
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
  const parsed = found.modelType.params.parse(params);
  const started = performance.now();
  const model = await found.modelType.fit(data, parsed, { seed, threads });
  return { model, seconds: (performance.now() - started) / 1000 };
}

async function timedFits(
  name: ModelTypeName,
  data: TrainingSet,
  params: object,
  threads: number,
  count: number,
) {
  const seconds: number[] = [];
  let last: Awaited<ReturnType<typeof fitOnce>> | undefined;
  for (let i = 0; i < count; i++) {
    last = await fitOnce(name, data, params, 42, threads);
    seconds.push(last.seconds);
  }
  if (last === undefined) throw new Error("no fit");
  return { seconds: median(seconds), mse: testMse(last.model) };
}

async function seedSpread(name: ModelTypeName, params: object) {
  const errors: number[] = [];
  for (let seed = 0; seed < seeds; seed++)
    errors.push(testMse((await fitOnce(name, train, params, seed, 1)).model));
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  const std = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, errors.length - 1));
  return { mean, std };
}

const baselines = runBaselines();
console.error("fitting our model types …");
const forestParams = { n_estimators: 100 };
await fitOnce("forest", train, forestParams, 0, 1); // warm-up: JIT
const cold = await fitOnce("forest", train, forestParams, 42, 2); // includes starting the worker threads
const forest1 = await timedFits("forest", train, forestParams, 1, repeats);
const forest2 = await timedFits("forest", train, forestParams, 2, repeats);
const forestSeeds = await seedSpread("forest", forestParams);
await fitOnce("gbt", train, {}, 0, 1);
const gbt = await timedFits("gbt", train, {}, 1, repeats);
const mlRf = await timedFits(
  "ml-random-forest",
  train,
  { n_estimators: 100 },
  1,
  Number(options["ml-rf-repeats"]),
);

let scaled: { rows: number; forest1: number; forest2: number; gbt: number } | undefined;
if (scale > 1) {
  const big = replicateRows(train, scale, 0);
  const count = Math.max(1, Math.floor(repeats / 2));
  scaled = {
    rows: big.rows,
    forest1: (await timedFits("forest", big, forestParams, 1, count)).seconds,
    forest2: (await timedFits("forest", big, forestParams, 2, count)).seconds,
    gbt: (await timedFits("gbt", big, {}, 1, count)).seconds,
  };
}

const s = (seconds: number | undefined) => (seconds === undefined ? "–" : `${seconds.toFixed(3)} s`);
const m = (mse: number | undefined) => (mse === undefined ? "–" : mse.toFixed(2));
const spread = (value?: { mean: number; std: number }) =>
  value === undefined ? "–" : `${value.mean.toFixed(2)} ± ${value.std.toFixed(2)}`;
const rows: string[][] = [
  ["ours: forest, 100 trees, 1 thread", s(forest1.seconds), m(forest1.mse), spread(forestSeeds)],
  ["ours: forest, 100 trees, 2 threads", s(forest2.seconds), m(forest2.mse), "(same forest)"],
  [
    "sklearn RandomForestRegressor, n_jobs=1",
    s(baselines.rf_jobs1?.fit_s),
    m(baselines.rf_jobs1?.mse),
    spread(baselines.rf_seeds),
  ],
  ["sklearn RandomForestRegressor, n_jobs=2", s(baselines.rf_jobs2?.fit_s), m(baselines.rf_jobs2?.mse), ""],
  [
    "ours: gbt defaults (100 rounds, depth 6, η 0.3, λ 1, base = mean)",
    s(gbt.seconds),
    m(gbt.mse),
    "deterministic",
  ],
  ["XGBoost defaults (base_score 0.5 in 1.x, all cores)", s(baselines.xgb?.fit_s), m(baselines.xgb?.mse), ""],
  ["XGBoost defaults, n_jobs=1", s(baselines.xgb_jobs1?.fit_s), m(baselines.xgb_jobs1?.mse), ""],
  [
    "XGBoost, base_score = mean, n_jobs=1",
    s(baselines.xgb_mean_base?.fit_s),
    m(baselines.xgb_mean_base?.mse),
    "",
  ],
  [`ml-random-forest, 100 trees (median of ${options["ml-rf-repeats"]})`, s(mlRf.seconds), m(mlRf.mse), ""],
];
console.log(
  `\n## bench:train — ${options.csv}, ${train.rows} train / ${test.rows} test rows, target ${options.target}`,
);
console.log(
  `node ${process.version}, ${availableParallelism()} cores; fit time = median of ${repeats} fits (wall)`,
);
if (baselines.env)
  console.log(
    `baselines: ${Object.entries(baselines.env)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
if (baselines.skipped) console.log(`baselines skipped: ${baselines.skipped}`);
console.log(
  `\n| model | fit | test MSE (seed 42) | test MSE over ${seeds} seeds |\n| --- | ---: | ---: | ---: |`,
);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(`\nforest, 2 threads, first fit of the process (starting the threads): ${s(cold.seconds)}`);
if (scaled) {
  console.log(`\n| ${scale}× rows (${scaled.rows}, jittered) | fit |\n| --- | ---: |`);
  console.log(
    `| ours: forest, 1 thread | ${s(scaled.forest1)} |\n| ours: forest, 2 threads | ${s(scaled.forest2)} |`,
  );
  console.log(`| sklearn RF, n_jobs=1 | ${s(baselines.scale?.rf_jobs1_fit_s)} |`);
  console.log(`| sklearn RF, n_jobs=2 | ${s(baselines.scale?.rf_jobs2_fit_s)} |`);
  console.log(`| ours: gbt | ${s(scaled.gbt)} |\n| XGBoost defaults | ${s(baselines.scale?.xgb_fit_s)} |`);
}
