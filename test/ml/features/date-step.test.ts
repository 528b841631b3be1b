// The `date` feature step: which columns it takes, what it makes of them, and the errors a user can act on.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { prepareDataset } from "../../../src/ml/data/prepare.js";
import { fitFeaturizer } from "../../../src/ml/features/fit.js";
import { rawMatrix } from "../../../src/ml/features/training-set.js";
import { DatasetSchema, FeaturesSchema, SplitSchema } from "../../../src/ml/params.js";
import { tempFile } from "../data/temp.js";

const csv = "when,x,y\n03/01/2020,1,2\n15/06/2021,2,3\n,3,4\n31/12/2022,4,5\n";

function prepared(
  columns: Record<string, unknown> = { when: { type: "date", format: "DD/MM/YYYY", nullable: true } },
) {
  const dataset = DatasetSchema.parse({
    path: tempFile("d.csv", csv),
    target: "y",
    task: "regression",
    columns,
  });
  const result = prepareDataset(dataset, SplitSchema.parse({ test_size: 0.25, seed: 1 }));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

test("a formatted date column: its profile keeps the format; the step's parts replace it as numeric inputs", () => {
  const { train, profile } = prepared();
  assert.equal(profile.features[0], {
    name: "when",
    kind: "date",
    dtype: "string",
    format: "DD/MM/YYYY",
    count: 2,
    missing: 1,
  });
  const fitted = fitFeaturizer(
    train,
    profile,
    FeaturesSchema.parse({
      steps: [
        { op: "date", columns: ["when"], parts: ["year", "month"] },
        { op: "impute", columns: ["when.year", "when.month"], strategy: "median" },
      ],
    }),
  );
  assert.ok(fitted.ok);
  if (!fitted.ok) return;
  assert.equal(fitted.value.inputs, [
    { name: "when.year", kind: "numeric", date: { column: "when", part: "year", format: "DD/MM/YYYY" } },
    { name: "when.month", kind: "numeric", date: { column: "when", part: "month", format: "DD/MM/YYYY" } },
    { name: "x", kind: "numeric" },
  ]);
  const raw = rawMatrix(train, fitted.value.inputs);
  const years = [...raw].filter((_, i) => i % 3 === 0);
  assert.is(years.filter(Number.isNaN).length, profile.features[0]?.missing, "a missing date: NaN parts");
  assert.ok(
    years.every((year) => Number.isNaN(year) || [2020, 2021, 2022].includes(year)),
    `${years}`,
  );
});

test("a date column without a date step, and a date step on a non-date column, are errors naming the step", () => {
  const { train, profile } = prepared();
  const none = fitFeaturizer(train, profile, FeaturesSchema.parse({ steps: [] }));
  assert.ok(
    !none.ok &&
      /date column "when" needs a date step, e.g\. \{op: date, columns: \[when\]/.test(none.error.message),
  );
  const wrong = fitFeaturizer(
    train,
    profile,
    FeaturesSchema.parse({ steps: [{ op: "date", columns: ["x"] }] }),
  );
  assert.ok(!wrong.ok);
  if (wrong.ok) return;
  assert.equal(wrong.error.path, ["steps", 0, "columns", 0]);
  assert.match(
    wrong.error.message,
    /"x": not a date column; declare it with `type: date` under dataset\.columns\.x/,
  );
});

test("a bad date in the CSV names the column, row and line and the expected layout", () => {
  const dataset = DatasetSchema.parse({
    path: tempFile("d.csv", "when,y\n2020-01-03,1\n2020-02-30,2\n"),
    target: "y",
    task: "regression",
    columns: { when: { type: "date" } },
  });
  const result = prepareDataset(dataset, SplitSchema.parse({ test_size: 0.5, seed: 1 }));
  assert.ok(!result.ok);
  if (result.ok) return;
  assert.equal(result.error.kind === "data" && [result.error.column, result.error.row, result.error.line], [
    "when",
    2,
    3,
  ]);
  assert.match(result.error.message, /"2020-02-30" is not a valid calendar date/);
});

test.run();
