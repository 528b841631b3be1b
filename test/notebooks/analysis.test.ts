// The statistics notebooks show (src/ml/analysis): checked against values worked out by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { escapeHtml } from "../../src/charts/escape-html.js";
import { correlationMatrix, pearson, strongestCorrelations } from "../../src/ml/analysis/correlation.js";
import { datasetFindings } from "../../src/ml/analysis/findings.js";
import { tukeyOutliers } from "../../src/ml/analysis/outliers.js";
import { tableRecords } from "../../src/ml/analysis/records.js";
import { errorsBySegment } from "../../src/ml/analysis/segments.js";
import { skewness, summarizeTable } from "../../src/ml/analysis/summary.js";
import type { Table } from "../../src/ml/data/table.js";
import { formatCell, htmlTable } from "../../src/notebook/html-table.js";

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

function table(): Table {
  return {
    rows: 6,
    columns: [
      { name: "x", dtype: "float", values: Float64Array.from([1, 2, 3, 4, 5, Number.NaN]) },
      { name: "down", dtype: "float", values: Float64Array.from([10, 8, 6, 4, 2, 0]) },
      { name: "flat", dtype: "integer", values: Float64Array.from([7, 7, 7, 7, 7, 7]) },
      { name: "c", dtype: "string", values: ["a", "b", "a", null, "a", "a"] },
      { name: "y", dtype: "float", values: Float64Array.from([2, 4, 6, 8, 10, 50]) },
    ],
  };
}

test("pearson: ±1 for exact lines, pairs with a missing value skipped, NaN for a constant column", () => {
  close(pearson([1, 2, 3], [2, 4, 6]), 1);
  close(pearson([1, 2, 3], [3, 2, 1]), -1);
  close(pearson([1, 2, Number.NaN, 3], [1, 2, 100, 3]), 1);
  assert.ok(Number.isNaN(pearson([1, 2, 3], [5, 5, 5])));
  // numpy.corrcoef([1, 2, 3, 4], [1, 3, 2, 4]) = 0.8
  close(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, 1e-12);
});

test("the correlation matrix covers numeric columns only and is symmetric with a unit diagonal", () => {
  const matrix = correlationMatrix(table());
  assert.equal(matrix.rows, ["x", "down", "flat", "y"]);
  matrix.values.forEach((row, i) => {
    close(row[i] as number, 1);
    row.forEach((value, j) => {
      const mirrored = matrix.values[j]?.[i] as number;
      assert.ok(Object.is(value, mirrored) || Math.abs(value - mirrored) < 1e-12);
    });
  });
  close(matrix.values[0]?.[1] as number, -1);
  assert.equal(
    strongestCorrelations(matrix, "y").map(({ feature }) => feature),
    ["x", "down"],
  );
});

test("summaries: counts, missing share, distinct values, quartiles, skewness and the top category", () => {
  const [x, , flat, c, y] = summarizeTable(table(), ["c"]);
  assert.equal([x?.count, x?.missing, x?.distinct, x?.median, x?.q25, x?.q75], [5, 1, 5, 3, 2, 4]);
  close(x?.missingShare as number, 1 / 6);
  close(x?.skew as number, 0);
  assert.is(flat?.skew, 0);
  assert.equal([c?.kind, c?.top, c?.topCount, c?.missing], ["categorical", "a", 4, 1]);
  assert.ok((y?.skew as number) > 1, "a long right tail");
  // scipy.stats.skew([1, 2, 10]) = 0.674555...
  close(skewness([1, 2, 10]), 0.6745555, 1e-6);
});

test("distinct values: repeats, 0 and -0 as one value, missing values left out, as a Set counts them", () => {
  // Long enough for the radix sort the count goes through (src/ml/sort-floats.ts).
  const values = Float64Array.from({ length: 10_000 }, (_, i) =>
    i % 5 === 0 ? Number.NaN : i % 7 === 0 ? (i % 2 === 0 ? 0 : -0) : (i * 37) % 1001,
  );
  const expected = new Set([...values].filter((value) => !Number.isNaN(value))).size;
  const [numbers, category] = summarizeTable(
    {
      rows: values.length,
      columns: [
        { name: "v", dtype: "float", values },
        { name: "k", dtype: "integer", values },
      ],
    },
    ["k"],
  );
  assert.is(numbers?.distinct, expected);
  assert.is(category?.distinct, expected);
});

test("Tukey's fences flag the values beyond 1.5 IQR, most extreme first", () => {
  const [, , , y] = tukeyOutliers(table());
  // y quartiles (numpy linear): q1 = 4.5, q3 = 9.5, IQR 5 → fences -3 and 17
  assert.equal([y?.name, y?.q1, y?.q3, y?.lowerFence, y?.upperFence], ["y", 4.5, 9.5, -3, 17]);
  assert.equal([y?.below, y?.above, y?.rows], [0, 1, [5]]);
  assert.equal(
    tukeyOutliers(table(), 1.5, ["y"]).map((o) => o.name),
    ["x", "down", "flat"],
  );
});

test("errors by segment: quantile bins of a numeric column, or its categories", () => {
  const feature = { name: "f", dtype: "float" as const, values: Float64Array.from([1, 2, 3, 4]) };
  const segments = errorsBySegment(feature, [10, 10, 10, 10], [9, 12, 10, 6], { bins: 2 });
  assert.equal(
    segments.map((s) => [s.segment, s.rows, s.mae, s.bias]),
    [
      ["[1, 2.5]", 2, 1.5, -0.5],
      ["(2.5, 4]", 2, 2, 2],
    ],
  );
  close(segments[1]?.rmse as number, Math.sqrt(8));
  const kinds = { name: "k", dtype: "string" as const, values: ["b", "a", null, "a"] };
  assert.equal(
    errorsBySegment(kinds, [1, 1, 1, 1], [1, 2, 4, 1]).map((s) => [s.segment, s.rows, s.mae]),
    [
      ["a", 2, 0.5],
      ["b", 1, 0],
      ["missing", 1, 3],
    ],
  );
  assert.throws(() => errorsBySegment(feature, [1], [1]), /same length/);
});

test("findings state missing values, a capped target and the strongest relation", () => {
  const rows = 200;
  const x = Float64Array.from({ length: rows }, (_, i) => i);
  const y = Float64Array.from({ length: rows }, (_, i) => Math.min(i, 150));
  const t: Table = {
    rows,
    columns: [
      { name: "x", dtype: "float", values: x },
      { name: "y", dtype: "float", values: y },
    ],
  };
  const findings = datasetFindings({
    table: t,
    target: "y",
    task: "regression",
    summaries: summarizeTable(t),
    correlations: correlationMatrix(t),
    outliers: tukeyOutliers(t),
  });
  assert.match(findings.join("\n"), /200 rows, 1 features/);
  assert.match(findings.join("\n"), /Missing values:\*\* none/);
  assert.match(findings.join("\n"), /50 rows \(25%\) sit exactly at the maximum 150/);
  assert.match(findings.join("\n"), /`x` \(r = 0\.9\d*\)/);
});

test("records and HTML tables: missing values empty, numbers to 4 significant digits, text escaped", () => {
  assert.equal(tableRecords(table(), ["x", "c"])[3], { x: 4, c: null });
  assert.equal(tableRecords(table(), ["x"])[5], { x: null });
  assert.is(formatCell(1.23456789, 4), "1.235");
  assert.is(formatCell(2.5, 4), "2.5");
  assert.is(formatCell(1200000.5, 4), "1.200e+6");
  assert.is(escapeHtml(`<a href="x">&'`), "&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
  const html = htmlTable([{ name: "<b>", value: 1.5 }], { columns: ["name", "value"] });
  assert.match(html, /<td>&#60;b&#62;<\/td><td style="text-align:right">1.5<\/td>/);
  assert.match(htmlTable([{ a: 1 }, { a: 2 }, { a: 3 }], { limit: 2 }), /… 1 more rows/);
});

test.run();
