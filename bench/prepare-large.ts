// `npm run bench:prepare-large -- [--rows 1000000] [--features 10]`: the data stages on a large CSV, stage by
// stage, on Friedman #1 rows generated from a fixed seed (bench/train-synthetic.ts):
//   read (polars reads the cells as Utf8 columns, no JavaScript strings), validate (typed columns: numeric ones
//   checked and parsed inside polars), split, profile, write the splits (prepare's
//   outputs), then featurize: read a split back typed by the profile and fit impute + scale.
// Wall and process CPU seconds and the RSS after each stage; the load average beside them (the machine is shared).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readCsvText, writeCsv } from "../src/ml/data/csv.js";
import { loadPrepared } from "../src/ml/data/load.js";
import { buildProfile } from "../src/ml/data/profiling.js";
import { splitRows } from "../src/ml/data/split.js";
import { takeRows } from "../src/ml/data/table.js";
import { columnSpecs, datasetColumns, validateTable } from "../src/ml/data/validate.js";
import { unwrap } from "../src/ml/errors.js";
import { fitFeaturizer } from "../src/ml/features/fit.js";
import { DatasetSchema, FeaturesSchema } from "../src/ml/params.js";
import { friedman1, writeCsv as writeSyntheticCsv } from "./train-synthetic.js";

const { values: options } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, features: { type: "string", default: "10" } },
});
const rows = Number(options.rows);
const features = Number(options.features);
const dir = mkdtempSync(join(tmpdir(), "tabula-prepare-"));
const csv = join(dir, "raw.csv");
const synthetic = friedman1(rows, 7, { features });
await writeSyntheticCsv(csv, synthetic);
const names = synthetic.features;
const dataset = DatasetSchema.parse({ path: csv, target: "y", task: "regression" });

const timings: { stage: string; wall: number; cpu: number; rss: number }[] = [];
function stage<T>(name: string, run: () => T): T {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  timings.push({
    stage: name,
    wall: (performance.now() - started) / 1000,
    cpu: (used.user + used.system) / 1e6,
    rss: process.memoryUsage().rss / 2 ** 20,
  });
  return result;
}

try {
  const text = stage("read CSV as Utf8 columns (polars)", () => unwrap(readCsvText(csv)));
  const table = stage("validate → typed columns", () => {
    const columns = unwrap(datasetColumns(text, dataset));
    return unwrap(validateTable(text, columnSpecs(dataset, columns), dataset.missing));
  });
  const { train, test } = stage("split (80/20, seeded)", () => {
    const split = splitRows(table.rows, 0.2, 42);
    return { train: takeRows(table, split.train), test: takeRows(table, split.test) };
  });
  const profile = stage("profile the training split", () => buildProfile(train, dataset));
  const trainCsv = join(dir, "train.csv");
  stage("write train.csv and test.csv", () => {
    writeCsv(trainCsv, train);
    writeCsv(join(dir, "test.csv"), test);
  });
  const prepared = stage("featurize: read train.csv typed", () => unwrap(loadPrepared(trainCsv, profile)));
  stage("featurize: fit impute + scale", () => {
    const steps = [
      { op: "impute", columns: names, strategy: "median" },
      { op: "scale", columns: names },
    ];
    const fitted = fitFeaturizer(prepared, profile, FeaturesSchema.parse({ steps }));
    if (!fitted.ok) throw new Error(fitted.error.message);
  });
  const megabytes = statSync(csv).size / 2 ** 20;
  console.log(
    `\n## data stages — ${rows} rows × ${features} features + target (${megabytes.toFixed(0)} MB CSV), node ${process.version}`,
  );
  console.log(
    `load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(" ")}\n`,
  );
  console.log("| stage | wall | CPU | RSS after |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const t of timings)
    console.log(`| ${t.stage} | ${t.wall.toFixed(2)} s | ${t.cpu.toFixed(2)} s | ${t.rss.toFixed(0)} MB |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
