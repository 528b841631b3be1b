import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProfileSchema } from "../../../src/ml/data/profile.js";
import { buildProfile, quantileSorted } from "../../../src/ml/data/profiling.js";
import type { Table } from "../../../src/ml/data/table.js";
import { DatasetSchema } from "../../../src/ml/params.js";

const dataset = DatasetSchema.parse({
  path: "x.csv",
  target: "y",
  task: "classification",
  categorical: ["c"],
});

function table(): Table {
  const n = 1000;
  const x = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : (i * 37) % 101));
  const ties = Float64Array.from({ length: n }, (_, i) => (i < 900 ? 0 : i));
  const c = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : (["b", "a", "c"][i % 3] as string)));
  const y = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? "yes" : "no"));
  return {
    rows: n,
    columns: [
      { name: "x", dtype: "float", values: x },
      { name: "ties", dtype: "integer", values: ties },
      { name: "c", dtype: "string", values: c },
      { name: "y", dtype: "string", values: y },
    ],
  };
}

test("the profile matches its schema and describes numeric and categorical columns", () => {
  const profile = ProfileSchema.parse(buildProfile(table(), dataset));
  assert.is(profile.rows, 1000);
  assert.equal(profile.target.categories, { values: ["no", "yes"], counts: [750, 250] });
  const [x, ties, c] = profile.features;
  assert.equal([x?.count, x?.missing, x?.min, x?.max], [857, 143, 0, 100]);
  assert.equal(c?.categories?.values, ["a", "b", "c"]);
  assert.is((c?.categories?.counts ?? []).reduce((a, b) => a + b, 0) + (c?.missing ?? 0), 1000);
  for (const column of [x, ties]) {
    const bins = column?.bins;
    assert.ok(bins);
    if (!bins) continue;
    assert.is(bins.counts.length, bins.edges.length + 1);
    assert.is(
      bins.counts.reduce((a, b) => a + b, 0),
      column?.count,
    );
    for (let i = 1; i < bins.edges.length; i++)
      assert.ok((bins.edges[i] as number) > (bins.edges[i - 1] as number));
    assert.ok(
      bins.counts.every((count) => count > 0),
      "no bin is empty",
    );
  }
  // 90 % zeros: the quantile edges collapse, leaving the zeros in one bin.
  assert.is(ties?.bins?.counts[0], 900);
});

test("quantiles interpolate linearly between order statistics", () => {
  const sorted = [1, 2, 3, 4];
  assert.is(quantileSorted(sorted, 0), 1);
  assert.is(quantileSorted(sorted, 0.5), 2.5);
  assert.is(quantileSorted(sorted, 1), 4);
  assert.ok(Math.abs(quantileSorted(sorted, 0.1) - 1.3) < 1e-12);
});

test.run();
