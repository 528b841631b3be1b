// Logged traffic back into training: the rows the server saw, with the ground truth /feedback joined to them, as a
// CSV in the training data's columns, so retraining on production data is export, commit, `npm run repro`.
import type { Manifest } from "../artifact/manifest.js";
import type { LoggedRow } from "./logged-rows.js";

/** The raw columns the model reads (a date part's source column once), then the target. */
export function modelColumns(manifest: Manifest): string[] {
  const columns = manifest.features.map((feature) => feature.date?.column ?? feature.name);
  return [...new Set([...columns, manifest.target.name])];
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The model's input columns after preprocessing (the manifest's tensor order), then the target. */
export function processedColumns(manifest: Manifest): string[] {
  return [...new Set([...manifest.features.map((feature) => feature.name), manifest.target.name])];
}

export interface ExportSummary {
  csv: string;
  rows: number;
  /**
   * Rows left out: no named features (a tensor request; processed: no logged model input), or no label when only
   * labelled rows were asked for.
   */
  skipped: number;
}

/**
 * `columns` is the training CSV's header when there is one (so the file can replace or extend it); columns the
 * log does not have are left empty.
 */
export function exportRows(
  manifest: Manifest,
  rows: readonly LoggedRow[],
  options: {
    labelledOnly: boolean;
    columns?: readonly string[];
    /** The model's input after preprocessing (the features table) instead of the features the client sent. */
    processed?: boolean;
  },
): ExportSummary {
  const columns = options.processed
    ? processedColumns(manifest)
    : (options.columns ?? modelColumns(manifest));
  const target = manifest.target.name;
  const lines = [columns.map(csvField).join(",")];
  let skipped = 0;
  for (const row of rows) {
    const labelled = row.actual !== undefined && row.actual !== null;
    const features = options.processed ? row.processed : row.features;
    if (features === undefined || (options.labelledOnly && !labelled)) {
      skipped++;
      continue;
    }
    lines.push(
      columns.map((column) => csvField(column === target ? row.actual : features[column])).join(","),
    );
  }
  return { csv: `${lines.join("\n")}\n`, rows: lines.length - 1, skipped };
}
