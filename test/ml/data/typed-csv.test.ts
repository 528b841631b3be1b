// loadPrepared's fast read (polars parses the numeric columns while reading) gives exactly the table the cell-by-cell
// validation gives, and leaves every file it does not expect to that validation (which names the problem).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readCsvText, writeCsv } from "../../../src/ml/data/csv.js";
import { loadPrepared } from "../../../src/ml/data/load.js";
import { PROFILE_FORMAT, type Profile, ProfileSchema } from "../../../src/ml/data/profile.js";
import type { Table } from "../../../src/ml/data/table.js";
import { readTypedCsv } from "../../../src/ml/data/typed-csv.js";
import { type ColumnSpec, validateTable } from "../../../src/ml/data/validate.js";
import { createRandom } from "../../../src/ml/random.js";
import { tempFile } from "./temp.js";

const column = (name: string, dtype: string, kind: string) => ({ name, dtype, kind, count: 1, missing: 0 });
const profile: Profile = ProfileSchema.parse({
  format: PROFILE_FORMAT,
  rows: 1,
  target: column("y", "float", "numeric"),
  features: [
    column("f", "float", "numeric"),
    column("i", "integer", "numeric"),
    column("s", "string", "categorical"),
    { ...column("d", "string", "date"), format: "DD/MM/YYYY" },
  ],
});
const specs = new Map<string, ColumnSpec>(
  [...profile.features, profile.target].map((col) => [
    col.name,
    {
      dtype: col.dtype,
      categorical: col.kind === "categorical",
      check: {
        nullable: col !== profile.target,
        ...(col.kind === "date" ? { type: "date" as const, format: "DD/MM/YYYY" } : {}),
      },
    },
  ]),
);

function preparedFile(rows: number): string {
  const random = createRandom(9, 2);
  const values = (make: (i: number) => number) => Float64Array.from({ length: rows }, (_, i) => make(i));
  const path = tempFile("train.csv", "");
  writeCsv(path, {
    rows,
    columns: [
      {
        name: "f",
        dtype: "float",
        values: values((i) => (i % 7 === 0 ? Number.NaN : (random.next() - 0.5) * 10 ** ((i % 40) - 20))),
      },
      {
        name: "i",
        dtype: "integer",
        values: values((i) => (i % 11 === 0 ? Number.NaN : Math.floor(random.next() * 1e6) - 5e5)),
      },
      {
        name: "s",
        dtype: "string",
        values: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `c${i % 3}`)),
      },
      {
        name: "d",
        dtype: "string",
        values: Array.from({ length: rows }, (_, i) => `${String((i % 28) + 1).padStart(2, "0")}/03/2024`),
      },
      { name: "y", dtype: "float", values: values(() => random.normal() * 1e3) },
    ],
  });
  return path;
}

/** The table with NaN spelled out (deep equality holds NaN unequal to itself) and -0 told apart from 0. */
function comparable(table: Table) {
  return table.columns.map((col) => ({
    ...col,
    values: Array.from(col.values as ArrayLike<number | string | null>, (value) =>
      typeof value === "number" && (Number.isNaN(value) || Object.is(value, -0)) ? String(value) : value,
    ),
  }));
}

function checkedRead(path: string) {
  const text = readCsvText(path);
  if (!text.ok) throw new Error(text.error.message);
  return validateTable(text.value, specs, []);
}

test("the fast read and the cell-by-cell read give the same table, bit for bit", () => {
  const path = preparedFile(5000);
  const fast = readTypedCsv(path, specs);
  const checked = checkedRead(path);
  assert.ok(fast, "a file prepare wrote takes the fast read");
  assert.ok(checked.ok);
  assert.is(fast.rows, checked.value.rows);
  assert.equal(comparable(fast), comparable(checked.value));
});

test("anything unexpected goes to the validation, which names it", () => {
  const header = "f,i,s,d,y\n";
  const cases: [string, RegExp][] = [
    [`${header}1.5,2,a,01/02/2024,3\nx,2,a,01/02/2024,3\n`, /"x" is not a number/],
    [`${header}1.5,2.5,a,01/02/2024,3\n`, /not an integer/],
    [`${header}1.5,2,a,01/02/2024,\n`, /missing value/],
    [`${header}inf,2,a,01/02/2024,3\n`, /not a (finite )?number/],
    [`${header}1.5,2,a,2024-02-01,3\n`, /DD\/MM\/YYYY/],
    ["f,i,s,y\n1,2,a,3\n", /in the profile but not in the file/],
  ];
  for (const [content, problem] of cases) {
    const path = tempFile("bad.csv", content);
    assert.is(readTypedCsv(path, specs), undefined, content);
    const loaded = loadPrepared(path, profile);
    assert.ok(!loaded.ok && problem.test(loaded.error.message), `${content}: ${JSON.stringify(loaded)}`);
  }
});

test.run();
