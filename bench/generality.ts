// `npm run bench:generality`: model quality on data the project has never seen. For each small public dataset
// (bench/generality-datasets.ts) the bench copies the workspace to a temporary directory, converts the data to a CSV
// there, edits only params.yaml (the dataset, features and metric sections; model and tune stay the project's),
// runs `tabula repro evaluate`, and prints tabula's test metric beside scikit-learn's RandomForest (100 trees),
// HistGradientBoosting and XGBoost defaults fitted on the same train/test rows (bench/generality_baselines.py
// reads the split tabula wrote). Target: MSE ≤ 1.05 × the best baseline; accuracy ≥ best − one test row.
//
// usage: npm run bench:generality [-- [dataset ...] [key=value ...]]
//   dataset      run only these (cars, penguins, iris, population; boston, the project's own data, only when named)
//   key=value    also set a params.yaml key in every copy (YAML value), e.g. tune.trials=20 model.type=gbt
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { GENERALITY_DATASETS, type GeneralityDataset } from "./generality-datasets.js";
import { copyProject, editParams } from "./project-copy.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PYTHON = "/usr/bin/python3";

const args = process.argv.slice(2);
const overrides = args.filter((arg) => arg.includes("="));
const only = args.filter((arg) => !arg.includes("="));
const unknown = only.filter((name) => !GENERALITY_DATASETS.some((dataset) => dataset.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown dataset ${unknown.join(", ")}; known: ${GENERALITY_DATASETS.map((d) => d.name).join(", ")}`,
  );
  process.exit(2);
}
const datasets = GENERALITY_DATASETS.filter((dataset) =>
  only.length === 0 ? !dataset.onRequest : only.includes(dataset.name),
);

if (!existsSync(join(root, "dist", "tabula.js"))) {
  console.error("dist/tabula.js is missing: run `npm run build` first (npm run bench:generality does)");
  process.exit(2);
}

interface Baselines {
  versions: Record<string, string>;
  models: Record<string, number>;
}

interface Outcome {
  dataset: GeneralityDataset;
  rows: { train: number; test: number };
  tabula: number;
  chosen: string;
  seconds: number;
  baselines?: Baselines;
  skipped?: string;
}

const scratch = mkdtempSync(join(tmpdir(), "tabula-bench-generality-"));

function workspaceFor(dataset: GeneralityDataset): string {
  const dir = join(scratch, dataset.name);
  copyProject(root, dir);
  const csvPath = `data/raw/${dataset.name}.csv`;
  if (dataset.csv) {
    writeFileSync(join(dir, csvPath), dataset.csv());
    // What a user runs first (README, "Train on your own data"): the draft of params.yaml for the CSV, whose
    // expectations (checks of the raw data) replace the project's own; the sections below are the user's edits.
    const infer = spawnSync(
      process.execPath,
      [
        join(dir, "bin", "tabula.js"),
        "data",
        "infer",
        csvPath,
        "--target",
        String(dataset.params.dataset.target),
        "--write",
      ],
      { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    if (infer.status !== 0)
      throw new Error(`${dataset.name}: tabula data infer failed in ${dir}:\n${infer.stdout}${infer.stderr}`);
  }
  editParams(
    dir,
    (document) => {
      if (!dataset.csv) return;
      // The one file a user edits.
      document.setIn(["dataset"], document.createNode({ path: csvPath, ...dataset.params.dataset }));
      document.setIn(["features"], document.createNode(dataset.params.features));
      document.setIn(["tune", "metric"], dataset.params.tuneMetric);
      document.setIn(["evaluate"], document.createNode({ metric: dataset.params.metric }));
      document.setIn(["registry", "name"], dataset.name);
    },
    overrides,
  );
  return dir;
}

function countRows(path: string): number {
  return readFileSync(path, "utf8").trim().split("\n").length - 1;
}

function runDataset(dataset: GeneralityDataset): Outcome {
  const dir = workspaceFor(dataset);
  const started = performance.now();
  const repro = spawnSync(process.execPath, [join(dir, "bin", "tabula.js"), "repro", "evaluate"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const seconds = (performance.now() - started) / 1000;
  if (repro.status !== 0)
    throw new Error(`${dataset.name}: tabula repro failed in ${dir}:\n${repro.stdout}${repro.stderr}`);
  const evaluation = JSON.parse(readFileSync(join(dir, "metrics/evaluate.json"), "utf8")) as {
    metrics: Record<string, number>;
    modelType: string;
  };
  const tuned = JSON.parse(readFileSync(join(dir, "metrics/tune.json"), "utf8")) as {
    modelType: string;
    params: Record<string, unknown>;
  };
  const train = join(dir, "data/prepared/train.csv");
  const test = join(dir, "data/prepared/test.csv");
  const outcome: Outcome = {
    dataset,
    rows: { train: countRows(train), test: countRows(test) },
    tabula: evaluation.metrics[dataset.params.metric] as number,
    chosen: `${tuned.modelType}${tuned.modelType === "gbt" ? ` ${tuned.params.n_estimators} rounds` : ""}`,
    seconds,
  };
  const spec = join(dir, "baselines.json");
  const params = parse(readFileSync(join(dir, "params.yaml"), "utf8")) as { dataset: { missing?: string[] } };
  writeFileSync(
    spec,
    JSON.stringify({
      train,
      test,
      target: dataset.params.dataset.target,
      task: dataset.params.dataset.task,
      categorical: dataset.categorical,
      dates: dataset.dates,
      drop: dataset.params.dataset.drop,
      missing: params.dataset.missing ?? ["NA", "NaN", "null"],
    }),
  );
  const python = spawnSync(PYTHON, [join(root, "bench", "generality_baselines.py"), spec], {
    encoding: "utf8",
  });
  if (python.error || python.status === 3) {
    outcome.skipped = python.error ? `${PYTHON} not found` : python.stderr.trim();
  } else if (python.status !== 0) {
    throw new Error(`${dataset.name}: baselines failed:\n${python.stderr}`);
  } else {
    outcome.baselines = JSON.parse(python.stdout) as Baselines;
  }
  return outcome;
}

const format = (value: number) => (Math.abs(value) >= 1e5 ? value.toExponential(4) : value.toPrecision(5));

function report(outcome: Outcome): string[] {
  const { dataset, baselines } = outcome;
  const metric = dataset.params.metric;
  const lines = [
    `${dataset.name} (${dataset.source}; ${dataset.params.dataset.task}, ${outcome.rows.train} train / ${outcome.rows.test} test rows), test ${metric}:`,
    `  tabula (${outcome.chosen})${" ".repeat(Math.max(1, 30 - outcome.chosen.length))}${format(outcome.tabula)}   ${outcome.seconds.toFixed(0)} s`,
  ];
  if (!baselines) return [...lines, `  baselines skipped: ${outcome.skipped}`];
  for (const [name, value] of Object.entries(baselines.models))
    lines.push(`  ${name.padEnd(38)}${format(value)}`);
  const values = Object.values(baselines.models);
  if (metric === "mse") {
    const best = Math.min(...values);
    const ratio = outcome.tabula / best;
    lines.push(
      `  tabula / best baseline: ${ratio.toFixed(3)}  (target ≤ 1.05: ${ratio <= 1.05 ? "met" : "MISSED"})`,
    );
  } else {
    const best = Math.max(...values);
    const rowsBehind = (best - outcome.tabula) * outcome.rows.test;
    lines.push(
      `  tabula − best baseline: ${(outcome.tabula - best).toFixed(4)} (${rowsBehind.toFixed(1)} test rows behind; target ≤ 1: ${rowsBehind <= 1 + 1e-9 ? "met" : "MISSED"})`,
    );
  }
  return lines;
}

console.log(
  `generality bench: ${datasets.length} datasets; load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")}${overrides.length ? `; params set: ${overrides.join(" ")}` : ""}`,
);
let versions: Record<string, string> | undefined;
try {
  for (const dataset of datasets) {
    const outcome = runDataset(dataset);
    versions ??= outcome.baselines?.versions;
    console.log(report(outcome).join("\n"));
  }
  if (versions)
    console.log(
      `baselines: ${Object.entries(versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")} defaults, random_state 0; load average now ${loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")}`,
    );
} finally {
  if (!process.env.KEEP_BENCH_DIR) rmSync(scratch, { recursive: true, force: true });
  else console.log(`workspaces kept in ${scratch}`);
}
