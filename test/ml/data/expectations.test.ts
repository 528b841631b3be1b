// The expectations suite on small synthetic tables where each answer is known by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSuite } from "../../../src/ml/data/expectations/check-suite.js";
import { parseCondition } from "../../../src/ml/data/expectations/rule.js";
import { SuiteSchema } from "../../../src/ml/data/expectations/suite-schema.js";
import type { Profile } from "../../../src/ml/data/profile.js";
import type { Table } from "../../../src/ml/data/table.js";

const N = Number.NaN;
const table: Table = {
  rows: 6,
  columns: [
    { name: "id", dtype: "integer", values: Float64Array.from([1, 2, 3, 4, 5, 5]) },
    { name: "Displacement", dtype: "float", values: Float64Array.from([100, 0, 250, N, 80, 120]) },
    { name: "Cylinders", dtype: "integer", values: Float64Array.from([4, 0, 8, 6, 3, 4]) },
    { name: "Origin", dtype: "string", values: ["USA", "Japan", "USA", "Europe", null, "Mars"] },
  ],
};

function run(suite: unknown, previous?: Profile) {
  const parsed = SuiteSchema.safeParse(suite);
  if (!parsed.success) throw new Error(parsed.error.message);
  return checkSuite(parsed.data, table, previous);
}

test("row count, uniqueness (single and composite key), missing fraction", () => {
  const result = run([
    { row_count: { min: 5, max: 10 } },
    { row_count: { min: 100 }, severity: "warn" },
    { unique: "id" },
    { unique: ["id", "Cylinders"] },
    { max_missing: { column: "Displacement", fraction: 0.1 } },
    { max_missing: { column: "Displacement", fraction: 0.2 } },
  ]);
  assert.equal(
    result.results.map((r) => [r.status, r.observed]),
    [
      ["pass", 6],
      ["warn", 6],
      ["fail", 1],
      ["pass", 0],
      ["fail", 1 / 6],
      ["pass", 1 / 6],
    ],
  );
  assert.match(result.results[2]?.detail ?? "", /data row 6 repeats an earlier id/);
  assert.equal([result.passed, result.warned, result.failed], [3, 1, 2]);
});

test("value-set coverage counts non-missing values and names the values outside", () => {
  const [coverage, relaxed] = run([
    { values_in: { column: "Origin", values: ["USA", "Japan", "Europe"] } },
    { values_in: { column: "Origin", values: ["USA", "Japan", "Europe"], min_fraction: 0.8 } },
  ]).results;
  assert.is(coverage?.observed, 4 / 5);
  assert.is(coverage?.status, "fail");
  assert.match(coverage?.detail ?? "", /"Mars" \(1\)/);
  assert.is(relaxed?.status, "pass");
});

test("mean, standard deviation and quantile ranges skip missing values", () => {
  const [mean, std, median] = run([
    { mean: { column: "Displacement", min: 100, max: 120 } },
    { std: { column: "Cylinders", max: 1 } },
    { quantile: { column: "Displacement", q: 0.5, min: 100, max: 100 } },
  ]).results;
  assert.is(mean?.observed, 110);
  assert.is(mean?.status, "pass");
  assert.ok(Math.abs((std?.observed ?? 0) - 2.714160398109638) < 1e-12);
  assert.is(std?.status, "fail");
  assert.is(median?.observed, 100);
  assert.is(median?.status, "pass");
});

test("rules: comparisons of expressions with and / or / not and parentheses; a missing value breaks a rule", () => {
  const [either, both, negated] = run([
    { rule: "Displacement > 0 or Cylinders == 0" },
    { rule: "(Displacement / Cylinders >= 20) and not (Cylinders > 6)", min_fraction: 0.5 },
    { rule: "not Cylinders < 3" },
  ]).results;
  // Row 4 has no Displacement: the rule fails there only.
  assert.is(either?.observed, 5 / 6);
  assert.match(either?.detail ?? "", /1 rows break it, the first is data row 4/);
  // Displacement / Cylinders >= 20 and Cylinders <= 6: rows 1 (25), 5 (26.7), 6 (30) → 3 of 6.
  assert.is(both?.observed, 0.5);
  assert.is(both?.status, "pass");
  assert.is(negated?.observed, 5 / 6);
});

test("a rule that does not parse, or names a column the data lacks, fails with the reason", () => {
  assert.ok(!parseCondition("Displacement +").ok);
  assert.match(
    (parseCondition("Displacement") as { error: { message: string } }).error.message,
    /not a comparison/,
  );
  const [unknown] = run([{ rule: "Weight > 0" }]).results;
  assert.is(unknown?.status, "fail");
  assert.match(unknown?.detail ?? "", /no column "Weight"/);
});

test("drift against the accepted profile: skipped on a first run; found when a column moved", () => {
  const profile: Profile = {
    format: "tabula.profile/v1",
    rows: 400,
    target: { name: "y", kind: "numeric", dtype: "float", count: 400, missing: 0 },
    features: [
      {
        name: "Cylinders",
        kind: "numeric",
        dtype: "integer",
        count: 400,
        missing: 0,
        std: 1,
        bins: { edges: [10, 20, 30], counts: [100, 100, 100, 100] },
      },
    ],
  };
  const [first] = run([{ drift: {} }]).results;
  assert.is(first?.status, "skipped");
  // Every Cylinders value is below the first edge: all mass in bin 0 where the profile had a quarter.
  const [moved] = run([{ drift: {} }], profile).results;
  assert.is(moved?.status, "fail");
  assert.is(moved?.observed, 1);
  assert.match(moved?.detail ?? "", /drifted: Cylinders \(ks p/);
});

test("the schema refuses an unknown kind and an out-of-range fraction", () => {
  assert.not.ok(SuiteSchema.safeParse([{ row_counts: { min: 1 } }]).success);
  assert.not.ok(SuiteSchema.safeParse([{ max_missing: { column: "x", fraction: 2 } }]).success);
  assert.ok(SuiteSchema.safeParse(undefined).success, "no suite: nothing to check");
});

test.run();
