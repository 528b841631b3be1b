// `npm run bench:train -- --rows N [--features 10] [--forest-trees 20] [--no-exact] [--no-python] [--data-seeds 1]
// [--only forest|gbt] [--repeats 1]`: the
// histogram learners at scale, on Friedman #1 rows generated from a fixed seed (bench/train-synthetic.ts, noise
// 1.0, 50,000 test rows), next to XGBoost `hist` (n_jobs 1 and 2), scikit-learn's HistGradientBoosting and, with
// --forest-trees > 0, our forest (1 and 2 threads) next to scikit-learn's RandomForest (n_jobs 1 and 2) with as
// many trees, fitted in the same invocation on the same rows (bench/baselines/train_hist_baselines.py, Debian's
// /usr/bin/python3). With --data-seeds N > 1, the test MSE of our gbt and of XGBoost hist is compared again on N
// draws of the data (draw d: train seed 2d − 1, test seed 2d; draw 1 is the table's), with the mean difference and
// its standard error: both learners quantise to ~256 equal-frequency bins, and which one a draw favours is chance
// (paired differences of ±0.01 at 200,000 rows), so one draw cannot say which learns better. --only forest (or gbt)
// runs that learner of ours and its baselines only.
// With --repeats N > 1, every learner is fitted N times, interleaved (each repeat fits each learner once, so all
// see the same spells of machine load; single fits on a shared 2-core machine move by 5–10 %), and the table
// gives medians with the wall time's min–max, then the paired 1-thread / 2-thread speed-ups and the issue's
// targets decided on the medians (bench/repeat-summary.ts).
// Every fit of ours runs in a process of its own so its peak RSS is its own. The machine's load average is
// printed beside the figures: other processes share its cores.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  byLearner,
  comparisonLines,
  type Entry,
  type Fit,
  type FitOutcome,
  fitTableLines,
  type LearnerId,
  type Learners,
} from "./repeat-summary.js";
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
  /** Times every learner is fitted, interleaved (1: once, the table of single fits). */
  repeats: number;
}

type Learner = "forest" | "gbt";

/** --only's value. */
export function parseOnly(value: string | undefined): Learner | undefined {
  if (value === undefined || value === "forest" || value === "gbt") return value;
  throw new Error(`--only: expected forest or gbt, got ${value}`);
}

/** --repeats' value for the large-data benchmark (default 1). */
export function parseRepeats(value: string | undefined): number {
  if (value === undefined) return 1;
  const repeats = Number(value);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`--repeats: expected a whole number ≥ 1, got ${value}`);
  return repeats;
}

const runs = (options: LargeOptions, learner: Learner) =>
  options.only === undefined || options.only === learner;

const PYTHON = "/usr/bin/python3";
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

function ours(options: LargeOptions, model: string, params: object, threads: number, draw = 1): FitOutcome {
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

/** Writes data draw `draw` where the Python baselines read it: a new directory, which the caller removes. */
function writeDraw(options: LargeOptions, draw: number): string {
  const dir = mkdtempSync(join(tmpdir(), "tabula-bench-"));
  const [trainSeed, testSeed] = drawSeeds(draw) as [number, number];
  const train = friedman1(options.rows, trainSeed, { features: options.features });
  const test = friedman1(50_000, testSeed, { features: options.features });
  writeFileSync(join(dir, "train-x.f32"), train.x);
  writeFileSync(join(dir, "train-y.f64"), train.y);
  writeFileSync(join(dir, "test-x.f32"), test.x);
  writeFileSync(join(dir, "test-y.f64"), test.y);
  return dir;
}

/** Runs the Python baselines with `args` on the data draw written in `dir`. */
function runPython(options: LargeOptions, dir: string, args: string[]): Baselines {
  const script = "bench/baselines/train_hist_baselines.py";
  const run = spawnSync(PYTHON, [script, "--dir", dir, "--features", String(options.features), ...args], {
    encoding: "utf8",
  });
  if (run.status !== 0) return { skipped: `${script} failed: ${run.stderr.trim().split("\n").pop()}` };
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as Baselines;
}

/** Why the Python baselines do not run, or undefined when they do. */
function pythonSkip(options: LargeOptions): string | undefined {
  if (!options.python) return "--no-python";
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  return undefined;
}

/** What the steps of a benchmark share: data draw 1 for Python, written once, and what Python reported. */
interface Session {
  options: LargeOptions;
  dataDir?: string;
  env: Record<string, string>;
  /** The boosting baselines failed: the forest baselines are not tried either. */
  boostingFailed: boolean;
}

function python(session: Session, args: string[]): Baselines {
  session.dataDir ??= writeDraw(session.options, 1);
  const result = runPython(session.options, session.dataDir, args);
  Object.assign(session.env, result.env as Record<string, string> | undefined);
  return result;
}

/** XGBoost hist (n_jobs 1 and 2) and scikit-learn's HistGradientBoosting, in one Python process. */
function boostingBaselines(session: Session): Entry[] {
  const skip = pythonSkip(session.options);
  if (skip !== undefined) return [{ note: `baselines skipped: ${skip}` }];
  if (!runs(session.options, "gbt")) return [];
  const result = python(session, ["--learners", "boosting"]);
  if (typeof result.skipped === "string") {
    session.boostingFailed = true;
    return [{ note: `baselines skipped: ${result.skipped}` }];
  }
  const entries: Entry[] = [];
  const rows: [LearnerId, string, string][] = [
    ["xgb1", "xgb_hist_jobs1", "XGBoost hist, n_jobs=1 (base_score = mean)"],
    ["xgb2", "xgb_hist_jobs2", "XGBoost hist, n_jobs=2 (base_score = mean)"],
    ["hgb", "sklearn_hgb", "sklearn HistGradientBoosting, 100 iterations"],
  ];
  for (const [id, key, label] of rows)
    if (result[key] !== undefined) entries.push({ id, label, outcome: result[key] as Fit });
  for (const key of ["xgb_skipped", "sklearn_skipped"])
    if (typeof result[key] === "string") entries.push({ note: result[key] });
  return entries;
}

/** scikit-learn's RandomForest with n_jobs `jobs`, in a Python process of its own (so its peak RSS is its own). */
function forestBaseline(session: Session, jobs: number): Entry[] {
  const { options } = session;
  if (pythonSkip(options) !== undefined || session.boostingFailed) return [];
  const args = ["--learners", "rf", "--forest-trees", String(options.forestTrees), "--jobs", String(jobs)];
  const result = python(session, args);
  const key = `sklearn_rf_jobs${jobs}`;
  return [
    {
      id: jobs === 1 ? "rf1" : "rf2",
      label: `sklearn RandomForest (exact splits), ${options.forestTrees} trees, n_jobs=${jobs}`,
      outcome: (result[key] as Fit | undefined) ?? String(result.skipped ?? result.sklearn_skipped),
    },
  ];
}

/** The fits of one repeat, in order: each step runs one process and gives its rows. */
function steps(session: Session): (() => Entry[])[] {
  const { options } = session;
  const list: (() => Entry[])[] = [];
  const gbt = runs(options, "gbt");
  const hist = { tree_method: "hist" };
  const threadsLabel = (threads: number) => `${threads} thread${threads > 1 ? "s" : ""}`;
  const oursStep = (id: LearnerId, label: string, model: string, params: object, threads: number) =>
    list.push(() => [{ id, label, outcome: ours(options, model, params, threads) }]);
  if (gbt) oursStep("gbt1", "ours: gbt hist, 1 thread", "gbt", hist, 1);
  if (gbt) oursStep("gbt2", "ours: gbt hist, 2 threads", "gbt", hist, 2);
  list.push(() => boostingBaselines(session));
  if (options.exact && gbt)
    oursStep("exact1", "ours: gbt exact, 1 thread", "gbt", { tree_method: "exact" }, 1);
  if (options.forestTrees > 0 && runs(options, "forest")) {
    // Both forests with their defaults but the tree count: max_features all, bootstrap, full depth,
    // min_samples_leaf 1. Ours splits at ≤ 255 quantile bins per feature (tree_method hist), scikit-learn's at
    // every distinct value.
    const forest = { n_estimators: options.forestTrees, tree_method: "hist" };
    for (const threads of [1, 2])
      oursStep(
        threads === 1 ? "forest1" : "forest2",
        `ours: forest hist (255 bins), ${options.forestTrees} trees, ${threadsLabel(threads)}`,
        "forest",
        forest,
        threads,
      );
    for (const jobs of [1, 2]) list.push(() => forestBaseline(session, jobs));
  }
  return list;
}

/**
 * Test MSE of our gbt (hist, 2 threads: the same trees as 1) and XGBoost hist (n_jobs 2) on draws 1 … N of the
 * data, with the mean paired difference and its standard error.
 */
function compareDraws(options: LargeOptions): void {
  if (pythonSkip(options) !== undefined) return;
  console.log(
    `\n### gbt hist vs XGBoost hist, test MSE on ${options.dataSeeds} draws of the data (same params; draw d: train seed 2d − 1, test seed 2d)`,
  );
  console.log("\n| draw | ours | XGBoost | ours − XGBoost |");
  console.log("| ---: | ---: | ---: | ---: |");
  const differences: number[] = [];
  const sums = { ours: 0, xgb: 0 };
  for (let draw = 1; draw <= options.dataSeeds; draw++) {
    const mine = ours(options, "gbt", { tree_method: "hist" }, 2, draw);
    const dir = writeDraw(options, draw);
    let theirs: Baselines[string] | undefined;
    try {
      theirs = runPython(options, dir, ["--learners", "xgb"]).xgb_hist_jobs2;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

/** The table of single fits (--repeats 1), a row printed as each fit ends, with the load average then. */
function runOnce(plan: (() => Entry[])[]): void {
  console.log(
    "\n| learner | fit (wall) | fit (CPU) | calling thread CPU | thread start (first fit) | test MSE | peak RSS | load avg (1 5 15 min) |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const step of plan)
    for (const entry of step()) {
      if ("note" in entry) console.log(`| ${entry.note} | | | | | | | |`);
      else if (typeof entry.outcome === "string")
        console.log(`| ${entry.label} | ${entry.outcome} | | | | | | ${load()} |`);
      else {
        const fit = entry.outcome;
        console.log(
          `| ${entry.label} | ${fit.fit_s.toFixed(2)} s | ${fit.cpu_s.toFixed(2)} s | ${
            fit.main_thread_cpu_s === undefined ? "" : `${fit.main_thread_cpu_s.toFixed(2)} s`
          } | ${fit.thread_start_s ? `${fit.thread_start_s.toFixed(2)} s` : ""} | ${fit.mse.toFixed(4)} | ${fit.peak_rss_mb.toFixed(0)} MB | ${load()} |`,
        );
      }
    }
}

/** Every step `repeats` times, interleaved and rotated; prints the table of medians and gives the fits by learner. */
function runRepeated(plan: (() => Entry[])[], repeats: number): Learners {
  const entries: Entry[][] = [];
  const loads: string[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    console.error(`repeat ${repeat + 1} of ${repeats} …`);
    // Each repeat starts one step later: no learner always runs first (on a machine just idle) or last.
    const rotated = plan.map((_, i) => plan[(i + repeat) % plan.length] as () => Entry[]);
    entries.push(rotated.flatMap((step) => step()));
    loads.push(load());
  }
  const learners = byLearner(entries);
  for (const line of fitTableLines(learners, loads)) console.log(line);
  return learners;
}

export function runLarge(options: LargeOptions): void {
  console.log(
    `\n## bench:train — Friedman #1, ${options.rows} train rows × ${options.features} features (noise 1.0), 50,000 test rows`,
  );
  console.log(
    `node ${process.version}, ${availableParallelism()} cores; defaults: 100 rounds, depth 6, η 0.3`,
  );
  const session: Session = { options, env: {}, boostingFailed: false };
  let repeated: Learners | undefined;
  try {
    if (options.repeats > 1) repeated = runRepeated(steps(session), options.repeats);
    else runOnce(steps(session));
  } finally {
    if (session.dataDir !== undefined) rmSync(session.dataDir, { recursive: true, force: true });
  }
  if (options.forestTrees > 0 && runs(options, "forest"))
    console.log(
      "\nforests: both with their defaults but n_estimators (all features per split, bootstrap, full depth, min_samples_leaf 1); ours quantises each feature to ≤ 255 bins, scikit-learn tries every distinct value",
    );
  if (Object.keys(session.env).length > 0)
    console.log(
      `\nbaselines: ${Object.entries(session.env)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}; Python's peak RSS is its process's peak so far (monotonic)`,
    );
  if (repeated !== undefined) for (const line of comparisonLines(repeated)) console.log(line);
  if (options.dataSeeds > 1 && runs(options, "gbt")) compareDraws(options);
}
