// CSV in and out through nodejs-polars. Cells are read as text (polars Utf8 columns) so that validation
// (validate.ts) can say exactly which value in which row is wrong; JavaScript strings are only made for the columns
// that need them (numeric columns are checked and parsed inside polars). Writing uses polars' shortest round-trip
// float formatting.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import pl from "nodejs-polars";
import { writeAtomicWith } from "../../fs/atomic-write.js";
import { err, ok, type Result } from "../errors.js";
import type { Table } from "./table.js";

export interface TextTable {
  file: string;
  header: string[];
  rows: number;
  /** Every column as polars Utf8, null for an empty cell. */
  frame: pl.DataFrame;
  /** The cells of column `name` as JavaScript strings, null for an empty cell. */
  cells(name: string): (string | null)[];
  /** The 1-based file line data row `row` starts on (quoted cells may span lines); read from the file on first use. */
  line(row: number): number | undefined;
}

export function readCsvText(file: string): Result<TextTable> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return err({ kind: "data", file, message: "cannot read the file (check dataset.path)" });
  }
  let frame: pl.DataFrame;
  try {
    frame = readUtf8Csv(bytes);
  } catch {
    // Not valid UTF-8: read it as Node decodes it (invalid sequences become U+FFFD), or say why polars cannot.
    try {
      frame = readUtf8Csv(Buffer.from(bytes.toString("utf8"), "utf8"));
    } catch (error) {
      return err({
        kind: "data",
        file,
        message: `not a readable CSV: ${firstLine((error as Error).message)}`,
      });
    }
  }
  const header = frame.columns;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate)
    return err({ kind: "data", file, column: duplicate, message: "appears twice in the header" });
  let lines: number[] | undefined;
  const fileLines = () => {
    lines ??= recordLines(readFileSync(file, "utf8")).slice(1);
    return lines;
  };
  return ok(textTable(file, frame, (row) => fileLines()[row]));
}

/** A TextTable over `frame`, whose row r starts on file line `line(r)`. */
export function textTable(
  file: string,
  frame: pl.DataFrame,
  line: (row: number) => number | undefined,
): TextTable {
  return {
    file,
    header: frame.columns,
    rows: frame.height,
    frame,
    cells: (name) => frame.getColumn(name).toArray() as (string | null)[],
    line,
  };
}

function readUtf8Csv(bytes: Buffer): pl.DataFrame {
  return pl.readCSV(bytes, { inferSchemaLength: 0, hasHeader: true });
}

/** The line each CSV record starts on, header first. */
function recordLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let inQuotes = false;
  let atRecordStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (atRecordStart && char !== "\n" && char !== "\r") {
      starts.push(line);
      atRecordStart = false;
    } else if (atRecordStart && char === "\n") {
      // A blank line: polars reads it as a record of empty cells.
      starts.push(line);
    }
    if (char === '"') inQuotes = !inQuotes;
    else if (char === "\n") {
      line++;
      if (!inQuotes) atRecordStart = true;
    }
  }
  return starts;
}

/** Writes `table` as CSV (missing values as empty cells), atomically. */
export function writeCsv(path: string, table: Table): void {
  const series = table.columns.map((col) =>
    col.dtype === "string"
      ? pl.Series(col.name, col.values, pl.Utf8)
      : numericSeries(col.name, col.values, col.dtype === "integer" ? pl.Int64 : pl.Float64),
  );
  const frame = pl.DataFrame(series);
  // polars writes the file itself: a 200 MB CSV is never one Buffer (nor the chunks it would be joined from).
  mkdirSync(dirname(path), { recursive: true });
  writeAtomicWith(path, (temporary) => frame.writeCSV(temporary));
}

/** `values` as a polars column of `dtype`, NaN as null: handed over as a typed array, not number by number. */
function numericSeries(name: string, values: Float64Array, dtype: pl.DataType): pl.Series {
  try {
    return pl
      .DataFrame([pl.Series(name, values)])
      .select(pl.col(name).fillNan(pl.lit(null)).cast(dtype, true).alias(name))
      .getColumn(name);
  } catch {
    // An integer beyond Int64's range: whatever polars makes of the numbers themselves, as before.
    return pl.Series(
      name,
      Array.from(values, (value) => (Number.isNaN(value) ? null : value)),
      dtype,
    );
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
