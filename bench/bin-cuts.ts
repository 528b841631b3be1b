// `npx tsx bench/bin-cuts.ts [ROWS] [FEATURES] [REPEATS]`: the histogram learners' quantisation alone (bin-mapper.ts)
// on bench/train-large.ts's rows: median milliseconds of the cut points of every feature (as OP_CUTS finds
// them), of binning every row (as OP_BIN does), and of binColumns (both, one thread).
import { binColumns, sketchSample } from "../src/ml/models/hist/bin-mapper.js";
import { binRows } from "../src/ml/models/hist/bin-rows.js";
import { CutScratch, featureCuts } from "../src/ml/models/hist/feature-cuts.js";
import { median } from "./median.js";
import { friedman1 } from "./train-synthetic.js";

const [rowsArg = "200000", featuresArg = "10", repeatsArg = "7"] = process.argv.slice(2);
const rows = Number(rowsArg);
const features = Number(featuresArg);
const { x } = friedman1(rows, 1, { features });
const maxBins = 255;

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const cutsMs: number[] = [];
const binMs: number[] = [];
const binColumnsMs: number[] = [];
for (let repeat = 0; repeat < Number(repeatsArg); repeat++) {
  const sample = sketchSample(rows, {});
  let thresholds: Float32Array[] = [];
  cutsMs.push(
    timed(() => {
      const scratch = new CutScratch(sample.length);
      thresholds = Array.from({ length: features }, (_, f) =>
        featureCuts(x, features, f, sample, maxBins, scratch),
      );
    }),
  );
  const bins = new Uint8Array(rows * features);
  const columns = new Uint8Array(rows * features);
  binMs.push(timed(() => binRows(x, features, thresholds, bins, columns, 0, rows)));
  binColumnsMs.push(timed(() => binColumns(x, rows, features)));
}
const round = (ms: number) => Math.round(ms * 10) / 10;
console.log(
  JSON.stringify({
    cutsMs: cutsMs.map((ms) => Math.round(ms)),
    binMs: binMs.map((ms) => Math.round(ms)),
    binColumnsMs: binColumnsMs.map((ms) => Math.round(ms)),
  }),
);
console.log(
  JSON.stringify({
    rows,
    features,
    cuts_ms: round(median(cutsMs)),
    bin_ms: round(median(binMs)),
    bin_columns_ms: round(median(binColumnsMs)),
    // The first repeat, as a fit runs this code: before V8 has optimised it.
    first: { cuts_ms: round(cutsMs[0] as number), bin_ms: round(binMs[0] as number) },
  }),
);
