import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeCsv } from "../../../src/ml/data/csv.js";
import { tempFile } from "./temp.js";

test("writeCsv: missing numbers are empty cells, integers have no decimal point, floats round-trip shortest", () => {
  const path = tempFile("out.csv", "");
  writeCsv(path, {
    rows: 3,
    columns: [
      { name: "i", dtype: "integer", values: Float64Array.from([1, Number.NaN, -42]) },
      { name: "f", dtype: "float", values: Float64Array.from([0.1, 1 / 3, Number.NaN]) },
      { name: "s", dtype: "string", values: ["a", null, "c"] },
    ],
  });
  assert.is(readFileSync(path, "utf8"), "i,f,s\n1,0.1,a\n,0.3333333333333333,\n-42,,c\n");
});

test("writeCsv: an integer beyond Int64 is still written", () => {
  const path = tempFile("out.csv", "");
  writeCsv(path, { rows: 1, columns: [{ name: "i", dtype: "integer", values: Float64Array.from([1e19]) }] });
  assert.ok(readFileSync(path, "utf8").startsWith("i\n"));
});

test.run();
