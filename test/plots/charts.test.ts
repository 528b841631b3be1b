// The chart builders render to SVG in Node (vega's headless renderer) with the marks their data implies.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bar } from "../../src/charts/bar.js";
import { boxplotGrid } from "../../src/charts/boxplot.js";
import { heatmap } from "../../src/charts/heatmap.js";
import { distributionGrid, histogram } from "../../src/charts/histogram.js";
import { bestSoFar, line } from "../../src/charts/line.js";
import { renderSvg, scopeIds } from "../../src/charts/render-svg.js";
import { predictedVsActual, residuals, scatter } from "../../src/charts/scatter.js";

const symbols = (svg: string) => (svg.match(/aria-roledescription="point"/g) ?? []).length;
const labels = (svg: string) => [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1] as string);

const rows = Array.from({ length: 40 }, (_, i) => ({
  x: i,
  y: (i * 7) % 13,
  "dotted.name": i / 2,
  kind: i % 3 ? "a" : "b",
}));

test("a scatter draws one symbol per row, and dotted field names are plain names", async () => {
  const svg = await renderSvg(scatter(rows, "dotted.name", "y", { title: "t" }));
  assert.ok(svg.startsWith("<svg"));
  assert.is(symbols(svg), 40);
  assert.ok(labels(svg).includes("dotted.name: 0.5; y: 7"), "tooltips name the fields");
});

test("predicted vs actual has its diagonal; residuals their zero line", async () => {
  const data = [
    { actual: 10, predicted: 12 },
    { actual: 20, predicted: 18 },
    { actual: 30, predicted: 29 },
  ];
  const pva = await renderSvg(predictedVsActual(data));
  assert.is(symbols(pva), 3);
  assert.match(pva, /stroke-dasharray="4,4"/);
  const res = await renderSvg(
    residuals(data.map((d) => ({ predicted: d.predicted, residual: d.actual - d.predicted }))),
  );
  assert.is(symbols(res), 3);
  assert.match(res, /role-mark marks_rule|mark-rule/);
});

test("a histogram bins the values; missing values are left out", async () => {
  const data = [...rows.map((row) => ({ v: row.x })), { v: null }];
  const svg = await renderSvg(histogram(data, "v", { maxBins: 4 }));
  const bars = labels(svg).filter((label) => label.startsWith("v (binned)") || label.startsWith("v:"));
  assert.ok(bars.length >= 4 && bars.length <= 5, `bars: ${bars.join(" | ")}`);
  const counts = bars.map((label) => Number(label.match(/rows: (\d+)/)?.[1]));
  assert.is(
    counts.reduce((a, b) => a + b, 0),
    40,
  );
});

test("the distribution grid and box plots draw one small chart per field", async () => {
  const grid = await renderSvg(distributionGrid(rows, ["x", "y", "kind"], { categorical: ["kind"] }));
  for (const field of ["x", "y", "kind"]) assert.match(grid, new RegExp(`>${field}</text>`));
  const boxes = await renderSvg(boxplotGrid(rows, ["x", "y"]));
  assert.match(boxes, />x<\/text>/);
  assert.match(boxes, />y<\/text>/);
});

test("a heatmap writes every cell's value, and bars sort largest first", async () => {
  const svg = await renderSvg(
    heatmap(
      {
        rows: ["a", "b"],
        columns: ["a", "b"],
        values: [
          [1, -0.25],
          [-0.25, 1],
        ],
      },
      { domain: [-1, 1] },
    ),
  );
  assert.is((svg.match(/>−0\.25</g) ?? []).length, 2);
  assert.is((svg.match(/>1\.00</g) ?? []).length, 2);
  const chart = bar(
    [
      { f: "small", v: 1 },
      { f: "large", v: 5 },
    ],
    "f",
    "v",
    { labelFormat: ".1f" },
  ) as { encoding: { y: { sort: string[] } } };
  assert.equal(chart.encoding.y.sort, ["large", "small"]);
  const bars = await renderSvg(chart as never);
  assert.match(bars, />5\.0</);
});

test("the tuning history keeps the best score so far in the chosen direction", async () => {
  const spec = bestSoFar(
    [5, 3, 4, 1, 2].map((score, trial) => ({ trial, score })),
    { direction: "minimize" },
  ) as { data: { values: { best: number }[] } };
  assert.equal(
    spec.data.values.map((row) => row.best),
    [5, 3, 3, 1, 1],
  );
  const up = bestSoFar(
    [1, 3, 2].map((score, trial) => ({ trial, score })),
    { direction: "maximize" },
  ) as { data: { values: { best: number }[] } };
  assert.equal(
    up.data.values.map((row) => row.best),
    [1, 3, 3],
  );
  const roc = await renderSvg(
    line(
      [
        { fpr: 0, tpr: 0 },
        { fpr: 0.5, tpr: 0.9 },
        { fpr: 1, tpr: 1 },
      ],
      "fpr",
      "tpr",
      { diagonal: true },
    ),
  );
  assert.match(roc, /stroke-dasharray="4,4"/);
});

test("rendering is deterministic and ids are unique per chart", async () => {
  const chart = heatmap({ rows: ["a"], columns: ["a", "b"], values: [[1, 0.5]] });
  const first = await renderSvg(chart);
  assert.ok((await renderSvg(chart)) === first, "same chart, same bytes");
  const other = await renderSvg(
    heatmap({ rows: ["a"], columns: ["a", "b"], values: [[1, -0.5]] }, { domain: [-2, 2] }),
  );
  const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids(first).length > 0, "the legend has a gradient");
  assert.is(ids(first).filter((id) => ids(other).includes(id)).length, 0);
  for (const id of ids(first)) assert.ok(first.includes(`url(#${id})`), `${id} is still referenced`);
  assert.is(scopeIds("<svg><g/></svg>"), "<svg><g/></svg>");
});

test.run();
