import pl from "nodejs-polars";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadDataset, loadDatasetRows } from "../../../src/ml/data/load.js";
import { column } from "../../../src/ml/data/table.js";
import { NUMBER_TEXT } from "../../../src/ml/data/validate.js";
import { formatError, type MlError } from "../../../src/ml/errors.js";
import { DatasetSchema } from "../../../src/ml/params.js";
import { ParamsFile } from "../../../src/ml/params-file.js";
import { tempFile } from "./temp.js";

function dataset(path: string, extra: Record<string, unknown> = {}) {
  return DatasetSchema.parse({ path, target: "y", task: "regression", ...extra });
}

function loadError(csv: string, extra: Record<string, unknown> = {}): MlError {
  const result = loadDataset(dataset(tempFile("d.csv", csv), extra));
  if (result.ok) throw new Error("expected a validation error");
  return result.error;
}

test("a clean file loads with inferred types and without dropped columns", () => {
  const path = tempFile("d.csv", "a,b,c,y\n1,2.5,x,3\n2,3.5,y,4\n");
  const result = loadDataset(dataset(path, { categorical: ["c"], drop: ["b"] }));
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(
    result.value.columns.map((col) => [col.name, col.dtype]),
    [
      ["a", "integer"],
      ["c", "string"],
      ["y", "integer"],
    ],
  );
  assert.equal(column(result.value, "c").values, ["x", "y"]);
});

test("a text value in a declared numeric column names the column, the row and the line", () => {
  const error = loadError("a,y\n1,2\n2,3\nabc,4\n", { columns: { a: { type: "float" } } });
  assert.equal(error.kind, "data");
  if (error.kind !== "data") return;
  assert.equal([error.column, error.row, error.line], ["a", 3, 4]);
  assert.match(formatError(error), /d\.csv, column "a", row 3, line 4: "abc" is not a number/);
});

test("line numbers account for quoted cells spanning lines", () => {
  const error = loadError('note,a,y\n"two\nlines",1,2\nok,x,3\n', {
    categorical: ["note"],
    columns: { a: { type: "integer" } },
  });
  assert.equal(error.kind === "data" && [error.row, error.line], [2, 4]);
});

test("text in an undeclared column asks for it to be categorical or dropped", () => {
  const error = loadError("a,y\n1,2\nred,3\n");
  assert.match(
    formatError(error),
    /column "a", row 2, line 3: "red" is text in a numeric column; list the column in dataset\.categorical/,
  );
});

test("missing values are errors unless the column is nullable", () => {
  const csv = "a,b,y\n1,2,3\n,NA,4\n";
  const error = loadError(csv);
  assert.equal(error.kind === "data" && [error.column, error.row], ["a", 2]);
  assert.match(formatError(error), /missing value; allow it with `nullable: true` under dataset\.columns\.a/);
  const loaded = loadDataset(
    dataset(tempFile("d.csv", csv), { columns: { a: { nullable: true }, b: { nullable: true } } }),
  );
  assert.ok(loaded.ok);
  if (loaded.ok) assert.ok(Number.isNaN(column(loaded.value, "b").values[1] as number), "NA is missing");
});

test("a missing target is an error even when declared nullable, and the error names missing_target", () => {
  const error = loadError("a,y\n1,2\n2,\n", { columns: { y: { nullable: true } } });
  assert.equal(error.kind === "data" && [error.column, error.row], ["y", 2]);
  assert.match(formatError(error), /missing value; .*dataset\.missing_target: drop/);
  assert.not.match(formatError(error), /nullable: true/);
});

test("missing_target: drop leaves out unlabeled rows (blank or a missing token) and counts them", () => {
  const path = tempFile("d.csv", "a,y\n1,2\n2,\n3,NA\n4,5\n");
  const loaded = loadDatasetRows(dataset(path, { missing_target: "drop" }));
  assert.ok(loaded.ok);
  if (!loaded.ok) return;
  assert.is(loaded.value.droppedMissingTarget, 2);
  assert.equal([...column(loaded.value.table, "a").values], [1, 4]);
  const allMissing = loadDatasetRows(dataset(tempFile("d.csv", "a,y\n1,\n"), { missing_target: "drop" }));
  assert.ok(!allMissing.ok && /every target value is missing/.test(formatError(allMissing.error)));
});

test("later rows keep their file line after dropped rows", () => {
  const error = loadError("a,y\n1,2\n2,\nx,3\n", { missing_target: "drop" });
  assert.equal(error.kind === "data" && [error.column, error.row, error.line], ["a", 2, 4]);
});

test("with params.yaml, a name that is not a column gives its line, the columns, and a near match", () => {
  const yaml = [
    "dataset:",
    "  path: x.csv",
    "  target: Price",
    "  task: regression",
    "  drop: [id, Sale Date]",
    "",
  ].join("\n");
  const params = ParamsFile.parse("params.yaml", yaml);
  assert.ok(params.ok);
  if (!params.ok) return;
  const csv = tempFile("d.csv", "id,sale_date,price\n1,2,3\n");
  const target = loadDataset(dataset(csv, { target: "Price" }), params.value);
  assert.ok(!target.ok);
  if (target.ok) return;
  assert.match(
    formatError(target.error),
    /^params\.yaml:3: dataset\.target: "Price" is not a column of .*d\.csv \(did you mean "price"\?\); its columns: "id", "sale_date", "price"$/,
  );
  const dropped = loadDataset(dataset(csv, { target: "price", drop: ["id", "Sale Date"] }), params.value);
  assert.ok(!dropped.ok);
  if (dropped.ok) return;
  assert.match(
    formatError(dropped.error),
    /^params\.yaml:5: dataset\.drop\[1\]: "Sale Date" .*did you mean "sale_date"/,
  );
});

test("impossible values: below min, above max, not allowed, not an integer, not finite", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a,y\n1,1\n-2,1\n", { a: { min: 0 } }, /row 2, line 3: -2 is below the minimum 0/],
    ["a,y\n1,1\n200,1\n", { a: { max: 100 } }, /200 is above the maximum 100/],
    ["a,y\n1,1\n3,1\n", { a: { allowed: [0, 1] } }, /3 is not one of the allowed values 0, 1/],
    ["a,y\n1,1\n1.5,1\n", { a: { type: "integer" } }, /"1\.5" is not an integer/],
    ["a,y\n1,1\n1e999,1\n", {}, /"1e999" is not a finite number/],
  ];
  for (const [csv, columns, pattern] of cases)
    assert.match(formatError(loadError(csv, { columns })), pattern);
});

test("allowed values of a text categorical", () => {
  const error = loadError("c,y\nred,1\npuce,2\n", {
    categorical: ["c"],
    columns: { c: { allowed: ["red", "blue"] } },
  });
  assert.match(
    formatError(error),
    /column "c", row 2, line 3: "puce" is not one of the allowed values red, blue/,
  );
});

test("columns named in params must exist; near misses are suggested", () => {
  const error = loadError("alpha,y\n1,2\n", { drop: ["alpah"] });
  assert.match(
    formatError(error),
    /column "alpah": named in dataset\.drop\[0\]: "alpah" is not a column of .*\(did you mean "alpha"\?\); its columns: "alpha", "y"/,
  );
  assert.match(formatError(loadError("a,b\n1,2\n")), /column "y": named in dataset\.target/);
});

test("an unreadable path and an empty file are clear errors", () => {
  const missing = loadDataset(dataset("/nonexistent/data.csv"));
  assert.ok(!missing.ok && /cannot read the file/.test(formatError(missing.error)));
  assert.match(formatError(loadError("a,y\n")), /has no data rows/);
});

test("numeric cells parse to exactly Number(cell.trim()): JavaScript's whitespace, decimal text, extremes", () => {
  const texts = [
    "\u00a01.5\u2003",
    "\ufeff+.5",
    "1.",
    "-7e-3",
    "0.30000000000000004",
    "2.2250738585072011e-308",
    "4.9e-324",
    "1.7976931348623157e308",
    "123456789012345678901",
  ];
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    texts.push(`${seed % 1000}.${String(seed).padStart(12, "0")}e${(seed % 41) - 20}`);
  }
  const csv = `a,y\n${texts.map((text, i) => `${text},${i}`).join("\n")}\n`;
  const result = loadDataset(dataset(tempFile("d.csv", csv)));
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.is(column(result.value, "a").dtype, "float");
  assert.equal(
    [...column(result.value, "a").values],
    texts.map((text) => Number(text.trim())),
  );
});

test("what String.prototype.trim keeps is not trimmed: a cell ending in U+0085 is text", () => {
  const error = loadError("a,y\n1,2\n1\u0085,3\n", { columns: { a: { type: "float" } } });
  assert.equal(error.kind === "data" && [error.column, error.row, error.line], ["a", 2, 3]);
  assert.match(formatError(error), /is not a number/);
});

test("an overflowing number, a fraction in an integer column and an out-of-range value each name their row", () => {
  const overflow = loadError("a,y\n1,2\n1e400,3\n");
  assert.equal(overflow.kind === "data" && [overflow.row, overflow.line], [2, 3]);
  assert.match(formatError(overflow), /"1e400" is not a finite number/);
  const fraction = loadError("a,y\n1,2\n2.5,3\n", { columns: { a: { type: "integer" } } });
  assert.match(formatError(fraction), /"2.5" is not an integer/);
  const low = loadError("a,y\n1,2\n-1,3\n", { columns: { a: { type: "float", min: 0 } } });
  assert.match(formatError(low), /-1 is below the minimum 0/);
  const other = loadError("a,y\n1,2\n3,3\n", { columns: { a: { type: "integer", allowed: [1, 2] } } });
  assert.match(formatError(other), /3 is not one of the allowed values 1, 2/);
});

test("a column of whole numbers written with a decimal point is inferred float, without one integer", () => {
  const path = tempFile("d.csv", "a,b,y\n1.0,1,2\n2.0,,3\n");
  const result = loadDataset(dataset(path, { columns: { b: { nullable: true } } }));
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(
    result.value.columns.map((col) => col.dtype),
    ["float", "integer", "integer"],
  );
});
test("polars' text → float cast takes exactly the finite decimal text NUMBER_TEXT matches, with Number's value", () => {
  // validate.ts checks numeric columns inside polars on this equivalence (a polars upgrade could break it).
  const alphabet = "0123456789+-.eE \tinfaINFxX_,d\u0660";
  let seed = 11;
  const texts = [
    "inf",
    "-Infinity",
    "nan",
    "1e",
    "1.e5",
    ".e5",
    "e5",
    "1_0",
    "0x1",
    "1d",
    "-0",
    "+.5",
    "00.10",
  ];
  for (let i = 0; i < 20_000; i++) {
    let text = "";
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    for (let length = 1 + (seed % 6); length > 0; length--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += alphabet[seed % alphabet.length];
    }
    texts.push(text);
  }
  const cast = pl.Series("a", texts, pl.Utf8).cast(pl.Float64, false).toArray() as (number | null)[];
  const differ = texts.filter((text, i) => {
    const value = cast[i] ?? null;
    const taken = value !== null && Number.isFinite(value);
    const number = Number(text);
    return NUMBER_TEXT.test(text) && Number.isFinite(number) ? !(taken && Object.is(value, number)) : taken;
  });
  assert.equal(differ, []);
});

test.run();
