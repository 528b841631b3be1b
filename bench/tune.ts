// `npm run bench:tune`: our TPE (src/ml/tune) against Optuna's TPE and random search, on the same rows and the
// same 5 CV folds (scikit-learn's KFold(5, shuffle, random_state=42) on the fixed 80/20 split), over the same
// random-forest space. Optuna searches scikit-learn's forest (bench/baselines/tune_baselines.py), we search ours,
// so "best CV MSE" mixes the optimiser with the learner: our random search on our forest is the control.
//
// usage: npm run bench:tune -- [--trials 40] [--no-python]
//                              [--csv data/raw/boston.csv --target cmedv --split bench/baselines/split_80_20_seed42.json]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { bestAfter as bestAfterBudgets } from "../src/ml/analysis/tuning.js";
import { meanSquaredError } from "../src/ml/metrics.js";
import { getModelType } from "../src/ml/models/index.js";
import { predictOutputs } from "../src/ml/models/tree-ensemble.js";
import type { SearchSpace } from "../src/ml/params.js";
import { createEvaluator } from "../src/ml/tune/evaluator.js";
import { type Fold, kFolds } from "../src/ml/tune/folds.js";
import { bestTrial, runStudy } from "../src/ml/tune/study.js";
import { loadSplit } from "./train-data.js";

const { values: options } = parseArgs({
  options: {
    trials: { type: "string", default: "40" },
    "no-python": { type: "boolean", default: false },
    csv: { type: "string", default: "data/raw/boston.csv" },
    target: { type: "string", default: "cmedv" },
    split: { type: "string", default: "bench/baselines/split_80_20_seed42.json" },
  },
});
const trials = Number(options.trials);
const checkpoints = [...[10, 20, 40, 80].filter((k) => k < trials), trials];
const PYTHON = "/usr/bin/python3";

interface BaselineRun {
  sampler: string;
  wall_s: number;
  best_cv_mse: number;
  best_after: Record<string, number>;
  refit_test_mse: number;
}
interface Baselines {
  skipped?: string;
  env?: Record<string, string>;
  folds?: number[][];
  runs?: BaselineRun[];
}

function runBaselines(): Baselines {
  if (options["no-python"]) return { skipped: "--no-python" };
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const script = "bench/baselines/tune_baselines.py";
  console.error(`running the Optuna baselines (${script}, ${trials} trials × 2 samplers) …`);
  const args = [script, "--csv", options.csv, "--split", options.split, "--target", options.target];
  const run = spawnSync(PYTHON, [...args, "--trials", String(trials)], { encoding: "utf8" });
  if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split("\n").pop()}` };
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Baselines;
}

const { train, test } = loadSplit(options.csv, options.split, options.target);
const baselines = runBaselines();
const folds: Fold[] = baselines.folds
  ? baselines.folds.map((held) => ({
      test: held,
      train: Array.from({ length: train.rows }, (_, i) => i).filter((i) => !held.includes(i)),
    }))
  : kFolds(train.rows, 5, 42);

// Optuna's space, except that max_depth has no "unlimited" branch (our space has no conditional params);
// depth 20 is effectively unlimited on ~320 rows.
const space: SearchSpace = {
  n_estimators: { type: "int", low: 50, high: 300, step: 1, log: false },
  max_depth: { type: "int", low: 3, high: 20, step: 1, log: false },
  min_samples_leaf: { type: "int", low: 1, high: 10, step: 1, log: false },
  max_features: { type: "uniform", low: 0.2, high: 1 },
};
const found = getModelType("forest");
if (!found.ok) throw new Error(found.error.message);
const forest = found.value;

interface Row {
  search: string;
  bestAfter: Record<string, number>;
  wall: number;
  testMse: number;
}

async function ours(label: string, jobs: number, startupTrials: number): Promise<Row> {
  console.error(`running ${label} …`);
  const evaluator = createEvaluator(
    { data: train, folds, modelType: "forest", fixedParams: {}, metric: "mse", seed: 42 },
    jobs,
  );
  const started = performance.now();
  const done = await runStudy(
    { space, trials, jobs, seed: 42, direction: "minimize", startupTrials, candidates: 24 },
    (params) => evaluator.evaluate(params),
  );
  const wall = (performance.now() - started) / 1000;
  await evaluator.close();
  const best = bestTrial(done, "minimize");
  if (!best) throw new Error("no finite trial");
  const inOrder = [...done].sort((a, b) => a.number - b.number).map((t) => t.value);
  const bestAfter = Object.fromEntries(
    bestAfterBudgets(inOrder, "minimize", checkpoints).map(({ trials, best }) => [trials, best]),
  );
  const model = await forest.fit(train, forest.params.parse(best.params), { seed: 42, threads: 1 });
  return { search: label, bestAfter, wall, testMse: meanSquaredError(test.y, predictOutputs(model, test.x)) };
}

const rows: Row[] = [
  await ours("tabula TPE, jobs 1 (our forest)", 1, 10),
  await ours("tabula TPE, jobs 2 (our forest)", 2, 10),
  await ours("tabula random, jobs 2 (our forest)", 2, Number.MAX_SAFE_INTEGER),
];
for (const run of baselines.runs ?? [])
  rows.push({
    search: `Optuna ${run.sampler === "tpe" ? "TPE" : "random"}, jobs 1 (sklearn forest)`,
    bestAfter: run.best_after,
    wall: run.wall_s,
    testMse: run.refit_test_mse,
  });

const header = ["search", ...checkpoints.map((k) => `best CV MSE @${k}`), "wall s", "refit test MSE"];
const table = rows.map((row) => [
  row.search,
  ...checkpoints.map((k) => row.bestAfter[k]?.toFixed(2) ?? "-"),
  row.wall.toFixed(1),
  row.testMse.toFixed(2),
]);
const widths = header.map((title, c) =>
  Math.max(title.length, ...table.map((cells) => (cells[c] as string).length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, c) => cell.padEnd(widths[c] as number)).join(" | ")} |`;
console.log(
  `\n${trials} trials, 5-fold CV MSE on ${train.rows} training rows (${options.split}); test MSE on ${test.rows} rows\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const cells of table) console.log(line(cells));
if (baselines.skipped) {
  console.log(`\nOptuna baselines skipped: ${baselines.skipped}`);
  console.log(
    "reference (anchors README, Optuna TPE, 40 trials): best CV MSE 12.57 / 11.90 / 11.39 after 10 / 20 / 40, 37 s",
  );
} else console.log(`\nbaselines: ${JSON.stringify(baselines.env)}`);
