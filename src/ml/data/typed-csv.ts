// The fast read of a CSV whose columns are known to be well formed (prepare's splits): polars parses the numeric
// columns itself while reading, instead of reading every cell as text and casting it. Anything unexpected — a cell
// polars cannot parse, a missing value where none may be, a fraction in an integer column, a non-finite number, a
// text column that fails validation — gives undefined, and the caller reads the file through validateTable, which
// names the problem. The values are the same either way: polars' CSV parser and its text → float cast both round
// correctly, as Number does (test/ml/data/typed-csv.test.ts compares the two reads).
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { textTable } from "./csv.js";
import type { Column, Table } from "./table.js";
import { type ColumnSpec, validateTable } from "./validate.js";

export function readTypedCsv(path: string, specs: Map<string, ColumnSpec>): Table | undefined {
  const numeric = (spec: ColumnSpec) => spec.dtype === "float" || spec.dtype === "integer";
  let frame: pl.DataFrame;
  try {
    const dtypes = Object.fromEntries(
      [...specs].map(([name, spec]) => [name, numeric(spec) ? pl.Float64 : pl.Utf8]),
    );
    frame = pl.readCSV(readFileSync(path), { hasHeader: true, inferSchemaLength: 0, dtypes });
  } catch {
    return undefined;
  }
  const header = frame.columns;
  if (new Set(header).size !== header.length || [...specs.keys()].some((name) => !header.includes(name)))
    return undefined;
  const numbers = [...specs].filter(([, spec]) => numeric(spec));
  if (numbers.length > 0) {
    const problems = frame
      .select(
        ...numbers.map(([name, spec]) => {
          const value = pl.col(name);
          const bad = value
            .isNotNull()
            .and(value.isFinite().not())
            .or(spec.check.nullable ? pl.lit(false) : value.isNull())
            .or(spec.dtype === "integer" ? value.floor().neq(value) : pl.lit(false));
          return bad.cast(pl.UInt32).sum().alias(name);
        }),
      )
      .toRecords()[0] as Record<string, number>;
    if (Object.values(problems).some((count) => count !== 0)) return undefined;
  }
  const texts = new Map([...specs].filter(([, spec]) => !numeric(spec)));
  const parsedTexts =
    texts.size === 0
      ? undefined
      : validateTable(
          textTable(path, frame.select(...texts.keys()), () => undefined),
          texts,
          [],
        );
  if (parsedTexts && !parsedTexts.ok) return undefined;
  const columns = [...specs].map(([name, spec]): Column => {
    if (!numeric(spec)) return parsedTexts?.value.columns.find((col) => col.name === name) as Column;
    const values = frame.select(pl.col(name).fillNull(Number.NaN)).getColumn(name).toTypedArray();
    return {
      name,
      dtype: spec.dtype as "float" | "integer",
      values: Float64Array.from(values as Float64Array),
    };
  });
  return { rows: frame.height, columns };
}
