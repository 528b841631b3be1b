// `npm run bench:pipeline-large -- [--rows 1000000] [--stages prepare,featurize,...] [key=value ...]`: the real
// pipeline (`tabula repro`, stages/, pipeline.yaml) on a user's large table. The bench copies the project to a
// temporary directory (bench/project-copy.ts), writes a seeded CSV there — Friedman #1 rows
// (bench/train-synthetic.ts) with a categorical column (integer region codes that shift the target) and missing
// values in two features — edits only the copy's params.yaml (dataset, expectations, features, a search sized for a
// big table, registry), then runs `tabula repro <stage>` for each stage in pipeline order, and last a no-op
// `tabula repro` (every stage up to date: the engine's fingerprinting of the large files).
// Per stage: wall, CPU (user + system, the stage process and its threads) and peak RSS (the largest process) by
// GNU time, and the load average (the machine is shared: compare figures measured in the same run).
//   --tune-rows N  tune.max_rows (default 200000: the search on a sample; 0 leaves it unset: every training row)
//   --timeout S    stop a stage after S seconds (default 1200); the bench then reports it and stops
//   key=value   also set a params.yaml key in the copy (YAML value), e.g. tune.trials=4 model.type=forest
//   KEEP_BENCH_DIR=1 keeps the copy.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { createRandom } from "../src/ml/random.js";
import { copyProject, editParams } from "./project-copy.js";
import { friedman1, writeCsv } from "./train-synthetic.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: options, positionals: overrides } = parseArgs({
  allowPositionals: true,
  options: {
    rows: { type: "string", default: "1000000" },
    stages: { type: "string" },
    "tune-rows": { type: "string", default: "200000" },
    timeout: { type: "string", default: "1200" },
  },
});
const rows = Number(options.rows);
/** tune.max_rows; 0: not set (the search on every training row, or a tabula without the param). */
const tuneRows = Number(options["tune-rows"]);
const pipeline = parse(readFileSync(join(root, "pipeline.yaml"), "utf8")) as {
  stages: Record<string, unknown>;
};
const stages = options.stages?.split(",") ?? Object.keys(pipeline.stages);
const GNU_TIME = "/usr/bin/time";
if (!existsSync(join(root, "dist", "tabula.js"))) {
  console.error("dist/tabula.js is missing: run `npm run build` first");
  process.exit(2);
}
if (!existsSync(GNU_TIME)) {
  console.error(`${GNU_TIME} (GNU time, Debian package time) is needed for CPU and peak RSS per stage`);
  process.exit(2);
}

const REGIONS = 5;
const MISSING = { x3: 0.01, x6: 0.03 };

/** Friedman #1 plus `region` (categorical codes 0–4, each shifting y) and NaN cells (missing) in x3 and x6. */
function largeTable(count: number) {
  const rows = friedman1(count, 11, { features: 10 });
  const random = createRandom(11, 0x6c617267);
  const width = rows.features.length + 1;
  const x = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    x.set(rows.x.subarray(i * (width - 1), (i + 1) * (width - 1)), i * width);
    const region = Math.floor(random.next() * REGIONS);
    x[i * width + width - 1] = region;
    rows.y[i] = (rows.y[i] as number) + 1.5 * region;
    for (const [name, share] of Object.entries(MISSING))
      if (random.next() < share) x[i * width + rows.features.indexOf(name)] = Number.NaN;
  }
  return { ...rows, x, features: [...rows.features, "region"] };
}

const scratch = mkdtempSync(join(tmpdir(), "tabula-bench-pipeline-large-"));
const dir = join(scratch, "project");
copyProject(root, dir);
const csvPath = "data/raw/large.csv";
const generated = performance.now();
await writeCsv(join(dir, csvPath), largeTable(rows));
const generateSeconds = (performance.now() - generated) / 1000;
editParams(
  dir,
  (document) => {
    document.setIn(
      ["dataset"],
      document.createNode({
        path: csvPath,
        target: "y",
        task: "regression",
        categorical: ["region"],
        columns: {
          region: { type: "integer", allowed: [0, 1, 2, 3, 4] },
          x3: { min: 0, max: 1, nullable: true },
          x6: { nullable: true },
        },
      }),
    );
    document.setIn(
      ["expectations"],
      document.createNode([
        { row_count: { min: 1000 } },
        { max_missing: { column: "x3", fraction: 0.05 } },
        { rule: "x0 >= 0" },
        { mean: { column: "y", min: 10, max: 25 } },
      ]),
    );
    document.setIn(
      ["features"],
      document.createNode({
        steps: [
          { op: "impute", columns: ["x3", "x6"], strategy: "median" },
          { op: "onehot", columns: ["region"] },
          { op: "derive", name: "x0_x1", expr: "x0 * x1" },
        ],
        exclude: [],
      }),
    );
    // A search a user would configure for a big table: one model type, few trials and folds.
    document.setIn(["model", "type"], "gbt");
    document.setIn(["model", "params"], document.createNode({}));
    for (const [key, value] of Object.entries({ trials: 6, folds: 2, repeats: 1, jobs: 2 }))
      document.setIn(["tune", key], value);
    if (tuneRows > 0) document.setIn(["tune", "max_rows"], tuneRows);
    document.setIn(
      ["tune", "space", "gbt"],
      document.createNode({
        n_estimators: { type: "int", low: 50, high: 200 },
        learning_rate: { type: "log_uniform", low: 0.03, high: 0.3 },
        max_depth: { type: "int", low: 3, high: 8 },
        min_child_weight: { type: "log_uniform", low: 1, high: 50 },
        subsample: { type: "uniform", low: 0.5, high: 1.0 },
        colsample_bytree: { type: "uniform", low: 0.5, high: 1.0 },
      }),
    );
    document.setIn(["registry", "name"], "large");
  },
  overrides,
);

class StageFailure extends Error {
  constructor(
    readonly stage: string,
    why: string,
  ) {
    super(`tabula repro ${stage} ${why}`);
  }
}

interface Measured {
  stage: string;
  wall: number;
  cpu: number;
  peakMb: number;
  load: string;
  summary: string;
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

/** `tabula repro [stage]` under GNU time, in the copy. */
function measure(label: string, stage?: string): Measured {
  const timing = join(scratch, "time.txt");
  const started = load();
  const run = spawnSync(
    GNU_TIME,
    [
      "-f",
      "%e %U %S %M",
      "-o",
      timing,
      // coreutils timeout sends tabula SIGINT, which stops the stage and rolls its outputs back.
      "timeout",
      "-s",
      "INT",
      "-k",
      "60",
      options.timeout,
      process.execPath,
      join(dir, "bin", "tabula.js"),
      "repro",
      ...(stage ? [stage] : []),
    ],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 1 << 28,
    },
  );
  if (run.status !== 0)
    throw new StageFailure(
      label,
      run.status === 124 ? `stopped after ${options.timeout} s` : `failed:\n${run.stdout}${run.stderr}`,
    );
  const [wall, user, system, maxKb] =
    readFileSync(timing, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
  const output = `${run.stdout}${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
  // The engine prefixes a stage's own lines with `<stage> │ `.
  const summary = (
    output.find((line) => stage !== undefined && line.includes(`${stage}:`)) ??
    output.at(-1) ??
    ""
  ).replace(/^\S+\s+│\s*/, "");
  return {
    stage: label,
    wall: wall ?? Number.NaN,
    cpu: (user ?? Number.NaN) + (system ?? Number.NaN),
    peakMb: (maxKb ?? Number.NaN) / 1024,
    load: `${started} → ${load()}`,
    summary: summary.trim(),
  };
}

const megabytes = statSync(join(dir, csvPath)).size / 2 ** 20;
console.log(
  `pipeline on ${rows} rows × 11 features + target (${megabytes.toFixed(0)} MB CSV, generated in ${generateSeconds.toFixed(1)} s), node ${process.version}; tune.max_rows ${tuneRows || "unset"}; load average ${load()}${overrides.length ? `; params set: ${overrides.join(" ")}` : ""}`,
);
const results: Measured[] = [];
try {
  let failed: StageFailure | undefined;
  for (const stage of stages) {
    try {
      const measured = measure(stage, stage);
      results.push(measured);
      console.log(`  ${stage}: ${measured.wall.toFixed(1)} s — ${measured.summary}`);
    } catch (error) {
      if (!(error instanceof StageFailure)) throw error;
      failed = error;
      console.log(`  ${error.message}`);
      break;
    }
  }
  // With every stage run, a last `repro` finds them all up to date.
  if (!failed && !options.stages) results.push(measure("no-op repro (all up to date)"));
  console.log("\n| stage | wall | CPU | peak RSS | load average (before → after) |");
  console.log("| --- | ---: | ---: | ---: | --- |");
  for (const r of results)
    console.log(
      `| ${r.stage} | ${r.wall.toFixed(2)} s | ${r.cpu.toFixed(2)} s | ${r.peakMb.toFixed(0)} MB | ${r.load} |`,
    );
  const total = results.reduce((sum, r) => sum + r.wall, 0);
  console.log(`\ntotal ${total.toFixed(1)} s wall`);
} finally {
  if (!process.env.KEEP_BENCH_DIR) rmSync(scratch, { recursive: true, force: true });
  else console.log(`project copy kept in ${dir}`);
}
