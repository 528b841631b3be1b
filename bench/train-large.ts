// `npm run bench:train -- --rows N [--features 10] [--forest-trees 20] [--no-exact] [--no-python] [--data-seeds 1]
// [--only forest|gbt]`: the
// histogram learners at scale, on Friedman #1 rows generated from a fixed seed (bench/train-synthetic.ts, noise
// 1.0, 50,000 test rows), next to XGBoost `hist` (n_jobs 1 and 2), scikit-learn's HistGradientBoosting and, with
// --forest-trees > 0, our forest (1 and 2 threads) next to scikit-learn's RandomForest (n_jobs 1 and 2) with as
// many trees, fitted in the same invocation on the same rows (bench/baselines/train_hist_baselines.py, Debian's
// /usr/bin/python3). With --data-seeds N > 1, the test MSE of our gbt and of XGBoost hist is compared again on N
// draws of the data (draw d: train seed 2d − 1, test seed 2d; draw 1 is the table's), with the mean difference and
// its standard error: both learners quantise to ~256 equal-frequency bins, and which one a draw favours is chance
// (paired differences of ±0.01 at 200,000 rows), so one draw cannot say which learns better. --only forest (or gbt)
// runs that learner of ours and its baselines only.
// Every fit of ours runs in a process of its own so its peak RSS is its own. The machine's load average is
// printed beside the figures: other processes share its cores.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { friedman1 } from "./train-synthetic.js";

export interface LargeOptions {
  rows: number;
  features: number;
  forestTrees: number;
  exact: boolean;
  python: boolean;
  /** Data draws the test MSE of gbt hist and XGBoost hist is compared on (1: only the table's). */
  dataSeeds: number;
  /** One learner of ours (and its baselines) only; undefined: both. */
  only?: Learner;
}

type Learner = "forest" | "gbt";

/** --only's value. */
export function parseOnly(value: string | undefined): Learner | undefined {
  if (value === undefined || value === "forest" || value === "gbt") return value;
  throw new Error(`--only: expected forest or gbt, got ${value}`);
}

const runs = (options: LargeOptions, learner: Learner) =>
  options.only === undefined || options.only === learner;

interface Fit {
  fit_s: number;
  cpu_s: number;
  /** Ours: the calling thread's CPU (with worker threads, about the fit's wall time when cores are free). */
  main_thread_cpu_s?: number;
  /**
   * Ours, threads > 1: the process's first fit (2,000 rows), which starts the worker threads; fit_s is the next,
   * with the threads running (a process keeps them for all its fits).
   */
  thread_start_s?: number;
  mse: number;
  peak_rss_mb: number;
}

const PYTHON = "/usr/bin/python3";
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

function ours(options: LargeOptions, model: string, params: object, threads: number, draw = 1): Fit | string {
  const args = [
    "--import",
    "tsx",
    "bench/train-large-fit.ts",
    String(options.rows),
    String(options.features),
  ];
  args.push(model, JSON.stringify(params), String(threads), ...drawSeeds(draw).map(String));
  const run = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`;
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Fit;
}

type Baselines = Record<string, Fit | string | Record<string, string>>;

/** The train and test seeds of data draw d (draw 1: train 1, test 2). */
const drawSeeds = (draw: number) => [2 * draw - 1, 2 * draw];

/** Writes data draw `draw` where the Python baselines read it, and runs them there with `args`. */
function runPython(options: LargeOptions, draw: number, args: string[]): Baselines {
  const dir = mkdtempSync(join(tmpdir(), "tabula-bench-"));
  try {
    const [trainSeed, testSeed] = drawSeeds(draw) as [number, number];
    const train = friedman1(options.rows, trainSeed, { features: options.features });
    const test = friedman1(50_000, testSeed, { features: options.features });
    writeFileSync(join(dir, "train-x.f32"), train.x);
    writeFileSync(join(dir, "train-y.f64"), train.y);
    writeFileSync(join(dir, "test-x.f32"), test.x);
    writeFileSync(join(dir, "test-y.f64"), test.y);
    const script = "bench/baselines/train_hist_baselines.py";
    const run = spawnSync(PYTHON, [script, "--dir", dir, "--features", String(options.features), ...args], {
      encoding: "utf8",
    });
    if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split("\n").pop()}` };
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Baselines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Python baselines on the same rows: the boosting learners in one process, then each scikit-learn forest
 * (n_jobs 1 and 2) in a process of its own, so that its peak RSS is its own.
 */
function baselines(options: LargeOptions): Baselines {
  if (!options.python) return { skipped: "--no-python" };
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const results: Baselines = runs(options, "gbt") ? runPython(options, 1, ["--learners", "boosting"]) : {};
  if (typeof results.skipped === "string" || options.forestTrees === 0 || !runs(options, "forest"))
    return results;
  for (const jobs of [1, 2]) {
    const forest = runPython(options, 1, [
      "--learners",
      "rf",
      "--forest-trees",
      String(options.forestTrees),
      "--jobs",
      String(jobs),
    ]);
    const key = `sklearn_rf_jobs${jobs}`;
    results[key] = (forest[key] as Fit | undefined) ?? String(forest.skipped ?? forest.sklearn_skipped);
  }
  return results;
}

/**
 * Test MSE of our gbt (hist, 2 threads: the same trees as 1) and XGBoost hist (n_jobs 2) on draws 1 … N of the
 * data, with the mean paired difference and its standard error.
 */
function compareDraws(options: LargeOptions): void {
  if (!options.python || !existsSync(PYTHON)) return;
  console.log(
    `\n### gbt hist vs XGBoost hist, test MSE on ${options.dataSeeds} draws of the data (same params; draw d: train seed 2d − 1, test seed 2d)`,
  );
  console.log("\n| draw | ours | XGBoost | ours − XGBoost |");
  console.log("| ---: | ---: | ---: | ---: |");
  const differences: number[] = [];
  const sums = { ours: 0, xgb: 0 };
  for (let draw = 1; draw <= options.dataSeeds; draw++) {
    const mine = ours(options, "gbt", { tree_method: "hist" }, 2, draw);
    const theirs = runPython(options, draw, ["--learners", "xgb"]).xgb_hist_jobs2;
    if (
      typeof mine === "string" ||
      theirs === undefined ||
      typeof theirs === "string" ||
      !("mse" in theirs)
    ) {
      console.log(`| ${draw} | ${typeof mine === "string" ? mine : ""} | ${String(theirs ?? "skipped")} | |`);
      continue;
    }
    const theirMse = (theirs as Fit).mse;
    differences.push(mine.mse - theirMse);
    sums.ours += mine.mse;
    sums.xgb += theirMse;
    console.log(`| ${draw} | ${mine.mse} | ${theirMse} | ${(mine.mse - theirMse).toFixed(6)} |`);
  }
  const n = differences.length;
  if (n < 2) return;
  const mean = differences.reduce((a, b) => a + b, 0) / n;
  const variance = differences.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  console.log(
    `| mean of ${n} | ${(sums.ours / n).toFixed(6)} | ${(sums.xgb / n).toFixed(6)} | ${mean.toFixed(6)} ± ${Math.sqrt(
      variance / n,
    ).toFixed(6)} (standard error); ours lower on ${differences.filter((d) => d < 0).length} of ${n} |`,
  );
}

export function runLarge(options: LargeOptions): void {
  console.log(
    `\n## bench:train — Friedman #1, ${options.rows} train rows × ${options.features} features (noise 1.0), 50,000 test rows`,
  );
  console.log(
    `node ${process.version}, ${availableParallelism()} cores; defaults: 100 rounds, depth 6, η 0.3`,
  );
  console.log(
    "\n| learner | fit (wall) | fit (CPU) | calling thread CPU | thread start (first fit) | test MSE | peak RSS | load avg (1 5 15 min) |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  const print = (name: string, fit: Fit | string | undefined) => {
    if (fit === undefined) return;
    if (typeof fit === "string") console.log(`| ${name} | ${fit} | | | | | | ${load()} |`);
    else
      console.log(
        `| ${name} | ${fit.fit_s.toFixed(2)} s | ${fit.cpu_s.toFixed(2)} s | ${
          fit.main_thread_cpu_s === undefined ? "" : `${fit.main_thread_cpu_s.toFixed(2)} s`
        } | ${fit.thread_start_s ? `${fit.thread_start_s.toFixed(2)} s` : ""} | ${fit.mse.toFixed(4)} | ${fit.peak_rss_mb.toFixed(0)} MB | ${load()} |`,
      );
  };
  const gbt = runs(options, "gbt");
  if (gbt) print("ours: gbt hist, 1 thread", ours(options, "gbt", { tree_method: "hist" }, 1));
  if (gbt) print("ours: gbt hist, 2 threads", ours(options, "gbt", { tree_method: "hist" }, 2));
  const python = baselines(options);
  if (typeof python.skipped === "string")
    console.log(`| baselines skipped: ${python.skipped} | | | | | | | |`);
  print("XGBoost hist, n_jobs=1 (base_score = mean)", python.xgb_hist_jobs1 as Fit | undefined);
  print("XGBoost hist, n_jobs=2 (base_score = mean)", python.xgb_hist_jobs2 as Fit | undefined);
  print("sklearn HistGradientBoosting, 100 iterations", python.sklearn_hgb as Fit | undefined);
  for (const key of ["xgb_skipped", "sklearn_skipped"])
    if (typeof python[key] === "string") console.log(`| ${python[key]} | | | | | | | |`);
  if (options.exact && gbt)
    print("ours: gbt exact, 1 thread", ours(options, "gbt", { tree_method: "exact" }, 1));
  if (options.forestTrees > 0 && runs(options, "forest")) {
    // Both forests with their defaults but the tree count: max_features all, bootstrap, full depth,
    // min_samples_leaf 1. Ours splits at ≤ 255 quantile bins per feature (tree_method hist), scikit-learn's at
    // every distinct value.
    const forest = { n_estimators: options.forestTrees, tree_method: "hist" };
    for (const threads of [1, 2])
      print(
        `ours: forest hist (255 bins), ${options.forestTrees} trees, ${threads} thread${threads > 1 ? "s" : ""}`,
        ours(options, "forest", forest, threads),
      );
    for (const jobs of [1, 2])
      print(
        `sklearn RandomForest (exact splits), ${options.forestTrees} trees, n_jobs=${jobs}`,
        python[`sklearn_rf_jobs${jobs}`] as Fit | string | undefined,
      );
    console.log(
      "\nforests: both with their defaults but n_estimators (all features per split, bootstrap, full depth, min_samples_leaf 1); ours quantises each feature to ≤ 255 bins, scikit-learn tries every distinct value",
    );
  }
  if (python.env !== undefined)
    console.log(
      `\nbaselines: ${Object.entries(python.env)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}; Python's peak RSS is its process's peak so far (monotonic)`,
    );
  if (options.dataSeeds > 1 && gbt) compareDraws(options);
}
