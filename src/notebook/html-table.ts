// Rows as an HTML table for notebook output: numbers right-aligned with a fixed number of significant digits.
export interface TableOptions {
  /** Columns in order (default: the keys of the first row). */
  columns?: string[];
  /** Significant digits for non-integers. Default 4. */
  digits?: number;
  /** Show at most this many rows, saying how many were left out. */
  limit?: number;
}

/** `rows` are plain objects (records, summaries); their values are shown as text. */
export function htmlTable(rows: readonly object[], options: TableOptions = {}): string {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const shown = options.limit === undefined ? rows : rows.slice(0, options.limit);
  const head = columns.map((name) => `<th>${escapeHtml(name)}</th>`).join("");
  const body = shown
    .map(
      (row) =>
        `<tr>${columns
          .map((name) => {
            const value = (row as Record<string, unknown>)[name];
            const numeric = typeof value === "number";
            return `<td${numeric ? ' style="text-align:right"' : ""}>${escapeHtml(formatCell(value, options.digits ?? 4))}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  const more = rows.length > shown.length ? `<p>… ${rows.length - shown.length} more rows</p>` : "";
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${more}`;
}

export function formatCell(value: unknown, digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "number") return typeof value === "object" ? JSON.stringify(value) : String(value);
  if (Number.isNaN(value)) return "NaN";
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const text = value.toPrecision(digits);
  return text.includes("e") ? text : text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
