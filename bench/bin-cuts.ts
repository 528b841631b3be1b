// `npx tsx bench/bin-cuts.ts [ROWS] [FEATURES] [REPEATS]`: the histogram learners' quantisation alone on
// bench/train-large.ts's rows, one thread: median milliseconds of the cut points of every feature and of binning
// every row, from the row-major rows (a feature at a time; block_cuts_ms: 4 at a time, as binColumns does) and
// from their column-major copy (as OP_CUTS and OP_BIN do on worker threads), and of making that copy; `first`:
// the first repeat's, before V8 has optimised the code (as a fit runs it).
import { sketchSample } from "../src/ml/models/hist/bin-mapper.js";
import { binRows } from "../src/ml/models/hist/bin-rows.js";
import { blockCuts, CutScratch, featureCuts } from "../src/ml/models/hist/feature-cuts.js";
import {
  columnMajor,
  type MatrixLayout,
  rowMajor,
  transposeToColumns,
} from "../src/ml/models/hist/matrix-layout.js";
import { median } from "./median.js";
import { friedman1 } from "./train-synthetic.js";

const [rowsArg = "200000", featuresArg = "10", repeatsArg = "7"] = process.argv.slice(2);
const rows = Number(rowsArg);
const features = Number(featuresArg);
const { x } = friedman1(rows, 1, { features });
const columnsOfX = new Float32Array(x.length);
const maxBins = 255;

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const times: Record<string, number[]> = {
  cuts_ms: [],
  block_cuts_ms: [],
  bin_ms: [],
  transpose_ms: [],
  column_major_cuts_ms: [],
  column_major_bin_ms: [],
};
function quantise(source: Float32Array, layout: MatrixLayout, prefix: string): void {
  const sample = sketchSample(rows, {});
  let thresholds: Float32Array[] = [];
  times[`${prefix}cuts_ms`]?.push(
    timed(() => {
      const scratch = new CutScratch(sample.length);
      thresholds = Array.from({ length: features }, (_, f) =>
        featureCuts(source, layout, f, sample, maxBins, scratch),
      );
    }),
  );
  if (prefix === "")
    times.block_cuts_ms?.push(
      timed(() => {
        const scratch = new CutScratch(sample.length, 4);
        for (let f = 0; f < features; f += 4)
          blockCuts(source, layout, f, Math.min(features, f + 4), sample, maxBins, scratch);
      }),
    );
  const bins = new Uint8Array(rows * features);
  const columns = new Uint8Array(rows * features);
  times[`${prefix}bin_ms`]?.push(
    timed(() => binRows(source, layout, features, thresholds, bins, columns, 0, rows)),
  );
}
for (let repeat = 0; repeat < Number(repeatsArg); repeat++) {
  quantise(x, rowMajor(features), "");
  times.transpose_ms?.push(timed(() => transposeToColumns(x, rows, features, columnsOfX)));
  quantise(columnsOfX, columnMajor(rows), "column_major_");
}
const round = (ms: number) => Math.round(ms * 10) / 10;
const summary = (pick: (ms: number[]) => number) =>
  Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, round(pick(ms))]));
console.log(JSON.stringify({ rows, features, ...summary(median), first: summary((ms) => ms[0] as number) }));
