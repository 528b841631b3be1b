// CSV in and out through nodejs-polars. Cells are read as text so that validation (validate.ts) can say exactly
// which value in which row is wrong; writing uses polars' shortest round-trip float formatting.
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { err, ok, type Result } from "../errors.js";
import type { Table } from "./table.js";

export interface TextTable {
  file: string;
  header: string[];
  /** Column-major cell texts; null for an empty cell. */
  cells: (string | null)[][];
  rows: number;
  /** The 1-based file line each data row starts on (quoted cells may span lines). */
  lines: number[];
}

export function readCsvText(file: string): Result<TextTable> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return err({ kind: "data", file, message: "cannot read the file (check dataset.path)" });
  }
  let frame: pl.DataFrame;
  try {
    frame = pl.readCSV(text, { inferSchemaLength: 0, hasHeader: true });
  } catch (error) {
    return err({
      kind: "data",
      file,
      message: `not a readable CSV: ${firstLine((error as Error).message)}`,
    });
  }
  const header = frame.columns;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate)
    return err({ kind: "data", file, column: duplicate, message: "appears twice in the header" });
  const cells = header.map((name) => frame.getColumn(name).toArray() as (string | null)[]);
  const lines = recordLines(text).slice(1);
  return ok({ file, header, cells, rows: frame.height, lines });
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
      : col.dtype === "integer"
        ? pl.Series(
            col.name,
            Array.from(col.values, (value) => (Number.isNaN(value) ? null : value)),
            pl.Int64,
          )
        : pl.Series(
            col.name,
            Array.from(col.values, (value) => (Number.isNaN(value) ? null : value)),
            pl.Float64,
          ),
  );
  const csv = pl.DataFrame(series).writeCSV().toString();
  writeFileAtomic(path, csv);
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
