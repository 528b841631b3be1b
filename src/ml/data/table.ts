// The in-memory form of a validated dataset: typed columns, missing values as NaN (numbers) or null (strings).
export type Dtype = "float" | "integer" | "string";

export type Column =
  | { name: string; dtype: "float" | "integer"; values: Float64Array }
  | { name: string; dtype: "string"; values: (string | null)[] };

export interface Table {
  rows: number;
  columns: Column[];
}

export type Cell = number | string | null;

export function column(table: Table, name: string): Column {
  const found = table.columns.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no column named "${name}"`);
  return found;
}

export function isMissing(value: Cell): boolean {
  return value === null || (typeof value === "number" && Number.isNaN(value));
}

export function cell(col: Column, row: number): Cell {
  return col.values[row] ?? null;
}

/** The rows at `indices`, in that order. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const columns = table.columns.map((col): Column => {
    if (col.dtype === "string") {
      const values: (string | null)[] = new Array(indices.length);
      for (let i = 0; i < indices.length; i++) values[i] = col.values[indices[i] as number] ?? null;
      return { name: col.name, dtype: "string", values };
    }
    const values = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) values[i] = col.values[indices[i] as number] as number;
    return { name: col.name, dtype: col.dtype, values };
  });
  return { rows: indices.length, columns };
}
