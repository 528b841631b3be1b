// A column-major Table as row records, the shape charts and HTML tables take. Missing values become null.
import type { Datum } from "../../charts/chart.js";
import type { Table } from "../data/table.js";

export function tableRecords(table: Table, names?: string[]): Datum[] {
  const columns = names ? names.map((name) => columnNamed(table, name)) : table.columns;
  const records: Datum[] = new Array(table.rows);
  for (let row = 0; row < table.rows; row++) {
    const record: Datum = {};
    for (const col of columns) {
      const value = col.values[row] ?? null;
      record[col.name] = typeof value === "number" && !Number.isFinite(value) ? null : value;
    }
    records[row] = record;
  }
  return records;
}

function columnNamed(table: Table, name: string) {
  const found = table.columns.find((col) => col.name === name);
  if (!found) throw new Error(`the table has no column "${name}"`);
  return found;
}
