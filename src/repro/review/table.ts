export type Align = "left" | "right";

export interface Table {
  headers: string[];
  align: Align[];
  rows: string[][];
}

const escapeMarkdown = (cell: string) => cell.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A GitHub-flavoured Markdown table (what a PR comment shows). */
export function renderMarkdown(table: Table): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  const rule = `|${table.align.map((align) => (align === "right" ? "---:" : ":---")).join("|")}|`;
  return `${[line(table.headers), rule, ...table.rows.map(line)].join("\n")}\n`;
}

/** A plain table with aligned columns for the terminal. */
export function renderText(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        table.align[column] === "right"
          ? cell.padStart(widths[column] ?? 0)
          : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return `${[line(table.headers), ...table.rows.map(line)].join("\n")}\n`;
}
