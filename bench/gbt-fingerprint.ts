// `npx tsx bench/gbt-fingerprint.ts`: sha256 of JSON.stringify of fitted histogram gbt models over configurations
// that reach every command of hist/ (depth-wise and loss-guided growth, depth 3/6, subsample, column sampling per
// tree and per split, gamma, min_child_weight, regression, binary and multiclass classification, missing values)
// at 1 and 2 threads: compare before and after a change that must keep the models byte-identical.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { getModelType } from "../src/ml/models/index.js";
import type { TrainingSet } from "../src/ml/models/model-type.js";
import { asTrainingSet, friedman1 } from "./train-synthetic.js";

const { values: options } = parseArgs({ options: { rows: { type: "string", default: "20000" } } });
const rows = Number(options.rows);

const found = getModelType("gbt");
if (!found.ok) throw new Error(found.error.message);
const gbt = found.value;

const regression = asTrainingSet(friedman1(rows, 7));
/** Every 13th value missing (NaN). */
const withMissing: TrainingSet = {
  ...regression,
  x: regression.x.map((value, i) => (i % 13 === 5 ? Number.NaN : value)),
};
const classified = (classes: number): TrainingSet => ({
  ...regression,
  task: "classification",
  y: regression.y.map((value) =>
    Math.min(classes - 1, Math.max(0, Math.floor((value - 4) / (20 / classes)))),
  ),
  classes: Array.from({ length: classes }, (_, c) => c),
});

const configs: [string, TrainingSet, Record<string, unknown>][] = [
  ["depth6", regression, {}],
  ["depth3", regression, { max_depth: 3 }],
  ["subsample", regression, { subsample: 0.7 }],
  ["colsample", regression, { colsample_bytree: 0.7, colsample_bynode: 0.6 }],
  ["gamma-mcw", regression, { gamma: 0.5, min_child_weight: 5 }],
  ["lossguide", regression, { grow_policy: "lossguide", max_leaves: 24 }],
  ["missing", withMissing, {}],
  ["missing-lossguide", withMissing, { grow_policy: "lossguide", max_leaves: 16, subsample: 0.8 }],
  ["binary", classified(2), { subsample: 0.8 }],
  ["binary-all-rows", classified(2), { max_depth: 5 }],
  ["multiclass", classified(3), { max_depth: 4, colsample_bytree: 0.8 }],
];

for (const [name, data, extra] of configs)
  for (const threads of [1, 2]) {
    const params = gbt.params.parse({ tree_method: "hist", n_estimators: 20, ...extra });
    const model = await gbt.fit(data, params, { seed: 3, threads });
    const hash = createHash("sha256").update(JSON.stringify(model)).digest("hex").slice(0, 16);
    console.log(`${name.padEnd(18)} threads ${threads} ${hash}`);
  }
process.exit(0);
