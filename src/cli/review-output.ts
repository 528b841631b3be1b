import { renderMarkdown, renderText, type Table } from "../repro/index.js";
import { UsageError } from "./command.js";

export type ReviewFormat = "text" | "md" | "json";

export function reviewFormat(values: { md?: boolean; json?: boolean }): ReviewFormat {
  if (values.md && values.json) throw new UsageError("choose one of --md and --json");
  return values.md ? "md" : values.json ? "json" : "text";
}

/** Prints a review table (text or Markdown) with its notes, or `json` as JSON. */
export function printReview(
  format: ReviewFormat,
  table: Table,
  notes: string[],
  json: unknown,
  empty: string,
): void {
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (table.rows.length === 0) process.stdout.write(`${empty}\n`);
  else process.stdout.write(format === "md" ? renderMarkdown(table) : renderText(table));
  if (notes.length > 0) {
    const bullet =
      format === "md"
        ? `\n${notes.map((note) => `- ${note}`).join("\n")}`
        : notes.map((note) => `note: ${note}`).join("\n");
    process.stdout.write(`${bullet}\n`);
  }
}
