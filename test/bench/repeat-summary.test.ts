import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  byLearner,
  comparisonLines,
  type Entry,
  type Fit,
  fitTableLines,
  pairedSpeedUps,
  spread,
  summariseFits,
  targets,
} from "../../bench/repeat-summary.js";

const fit = (fit_s: number, extra: Partial<Fit> = {}): Fit => ({
  fit_s,
  cpu_s: fit_s * 1.5,
  mse: 1.25,
  peak_rss_mb: 100,
  ...extra,
});

test("spread: median (mean of the middle two for an even count), min and max; none of nothing", () => {
  assert.equal(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.equal(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  assert.is(spread([]), undefined);
});

test("summariseFits: medians over the fits that ran, failures apart, thread start only where threads started", () => {
  const summary = summariseFits([
    fit(1.2, { thread_start_s: 0, main_thread_cpu_s: 1 }),
    "failed: out of memory",
    fit(1.0, { thread_start_s: 0.5, main_thread_cpu_s: 0.8, peak_rss_mb: 140 }),
    fit(1.1, { thread_start_s: 0.7, main_thread_cpu_s: 0.9, peak_rss_mb: 120 }),
  ]);
  assert.equal(summary.wall, { median: 1.1, min: 1.0, max: 1.2 });
  assert.ok(Math.abs((summary.cpu as number) - 1.65) < 1e-12);
  assert.is(summary.mainThreadCpu, 0.9);
  assert.is(summary.threadStart, 0.6);
  assert.is(summary.mse, 1.25);
  assert.is(summary.peakRssMb, 120);
  assert.equal(summary.failures, ["failed: out of memory"]);
  const failedAll = summariseFits(["failed: a", "failed: b"]);
  assert.is(failedAll.wall, undefined);
  assert.equal(failedAll.failures, ["failed: a", "failed: b"]);
});

test("pairedSpeedUps: 1-thread over 2-thread wall per repeat, skipping repeats without both fits", () => {
  assert.equal(
    pairedSpeedUps([fit(2), fit(1.8), fit(3), fit(2)], [fit(1), "failed", undefined, fit(1.25)]),
    [2, 1.6],
  );
});

const summaryOf = (...walls: number[]) => summariseFits(walls.map((wall) => fit(wall)));

test("targets: ours ≤ reference at the same thread count is met, equal included; speed-up ≥ 1.7 is met", () => {
  const rows = targets({
    summaries: {
      gbt1: summaryOf(1.0, 1.2, 1.1),
      gbt2: summariseFits([fit(0.7, { mse: 1.41 })]),
      xgb1: summaryOf(1.1, 1.3, 1.0),
      xgb2: summariseFits([fit(0.6, { mse: 1.4 })]),
    },
    speedUps: { gbt: [1.7, 1.65, 1.75] },
  });
  assert.equal(rows, [
    {
      target: "gbt hist fit ≤ XGBoost hist, 1 thread (n_jobs=1)",
      ours: "1.100 s",
      reference: "1.100 s",
      met: true,
    },
    {
      target: "gbt hist fit ≤ XGBoost hist, 2 threads (n_jobs=2)",
      ours: "0.700 s",
      reference: "0.600 s",
      met: false,
    },
    {
      target: "gbt hist test MSE ≤ XGBoost hist (2 threads, n_jobs=2)",
      ours: "1.410000",
      reference: "1.400000",
      met: false,
    },
    {
      target: "gbt hist: 2 threads ≥ 1.7× faster than 1",
      ours: "1.70× (median of 3 pairs)",
      reference: "1.70×",
      met: true,
    },
  ]);
});

test("targets: the forest's rows when it ran; none for learners that did not run or always failed", () => {
  const rows = targets({
    summaries: {
      gbt1: summariseFits(["failed: x"]),
      xgb1: summaryOf(1),
      forest1: summariseFits([fit(2, { mse: 2.3 }), fit(2.2, { mse: 2.3 })]),
      forest2: summaryOf(1.4),
      rf1: summariseFits([fit(2.5, { mse: 2.4 })]),
      rf2: summaryOf(1.3),
    },
    speedUps: { gbt: [], forest: [1.5, 1.6, 1.55] },
  });
  assert.equal(
    rows.map((row) => [row.target, row.met]),
    [
      ["forest fit ≤ sklearn RandomForest, 1 thread (n_jobs=1)", true],
      ["forest fit ≤ sklearn RandomForest, 2 threads (n_jobs=2)", false],
      ["forest test MSE ≤ sklearn RandomForest (1 thread, n_jobs=1)", true],
      ["forest: 2 threads ≥ 1.7× faster than 1", false],
    ],
  );
  assert.is(rows[0]?.ours, "2.100 s");
});

test("byLearner, fitTableLines, comparisonLines: rows in run order, notes once, paired values and their median", () => {
  const repeat = (gbt1: number, gbt2: number, xgb1: number, xgb2: number): Entry[] => [
    { id: "gbt1", label: "ours 1", outcome: fit(gbt1) },
    { id: "gbt2", label: "ours 2", outcome: fit(gbt2, { thread_start_s: 0.4 }) },
    { id: "xgb1", label: "xgb 1", outcome: fit(xgb1) },
    { id: "xgb2", label: "xgb 2", outcome: fit(xgb2) },
    { note: "sklearn_skipped: scikit-learn is not importable" },
  ];
  const learners = byLearner([
    repeat(1.0, 0.5, 1.2, 0.7),
    repeat(1.2, 0.8, 1.1, 0.6),
    repeat(1.1, 0.6, 1.0, 0.5),
  ]);
  assert.equal([...learners.outcomes.keys()], ["gbt1", "gbt2", "xgb1", "xgb2"]);
  assert.equal(learners.notes, ["sklearn_skipped: scikit-learn is not importable"]);
  const table = fitTableLines(learners, ["1.0 1.0 1.0", "1.1 1.0 1.0", "1.2 1.0 1.0"]);
  assert.ok(
    table.includes("| ours 1 | 1.10 s (1.00–1.20) | 1.65 s |  |  | 1.2500 | 100 MB |"),
    table.join("\n"),
  );
  assert.ok(table.includes("| ours 2 | 0.60 s (0.50–0.80) | 0.90 s |  | 0.40 s | 1.2500 | 100 MB |"));
  assert.ok(table.includes("| sklearn_skipped: scikit-learn is not importable | | | | | | |"));
  const lines = comparisonLines(learners);
  assert.ok(lines.includes("| ours: gbt hist | 2.00× 1.50× 1.83× | 1.83× |"), lines.join("\n"));
  assert.ok(lines.includes("| XGBoost hist (n_jobs) | 1.71× 1.83× 2.00× | 1.83× |"));
  assert.ok(lines.includes("| gbt hist fit ≤ XGBoost hist, 1 thread (n_jobs=1) | 1.100 s | 1.100 s | met |"));
  assert.ok(
    lines.includes("| gbt hist fit ≤ XGBoost hist, 2 threads (n_jobs=2) | 0.600 s | 0.600 s | met |"),
  );
  assert.ok(
    lines.includes("| gbt hist: 2 threads ≥ 1.7× faster than 1 | 1.83× (median of 3 pairs) | 1.70× | met |"),
  );
});

test.run();
