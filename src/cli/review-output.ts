import { type ReproError, type Result, renderMarkdown, renderText, type Table } from "../repro/index.js";
import { type CommandIo, UsageError } from "./command.js";
import { exitCodeFor } from "./exit-code.js";
import { printError } from "./output.js";

export type ReviewFormat = "text" | "md" | "json";

export function reviewFormat(values: { md?: boolean; json?: boolean }): ReviewFormat {
  if (values.md && values.json) throw new UsageError("choose one of --md and --json");
  return values.md ? "md" : values.json ? "json" : "text";
}

/** Prints a review table (text or Markdown) with its notes, or `json` as JSON. */
export function printReview(
  io: CommandIo,
  format: ReviewFormat,
  table: Table,
  notes: string[],
  json: unknown,
  empty: string,
): void {
  if (format === "json") {
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (table.rows.length === 0) io.stdout(`${empty}\n`);
  else io.stdout(format === "md" ? renderMarkdown(table) : renderText(table));
  if (notes.length > 0) {
    const bullet =
      format === "md"
        ? `\n${notes.map((note) => `- ${note}`).join("\n")}`
        : notes.map((note) => `note: ${note}`).join("\n");
    io.stdout(`${bullet}\n`);
  }
}

/** `metrics diff` and `params diff`: the engine's error with its exit code, or the changes since the revision. */
export function printDiffReview<Diff extends { notes: string[]; revision: string }>(
  io: CommandIo,
  format: ReviewFormat,
  result: Result<Diff, ReproError>,
  table: (diff: Diff) => Table,
  what: "metric" | "param",
): number {
  if (!result.ok) {
    printError(io, result.error);
    return exitCodeFor(result.error);
  }
  printReview(
    io,
    format,
    table(result.value),
    result.value.notes,
    result.value,
    `no ${what} changed since ${result.value.revision}`,
  );
  return 0;
}
