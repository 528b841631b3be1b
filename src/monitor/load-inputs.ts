// What `tabula monitor` and `tabula log export` both start from: the model's manifest and the logged rows in range.

import { join, resolve } from "node:path";
import { MANIFEST_FILE } from "../artifact/aliases.js";
import { type Manifest, ManifestSchema } from "../artifact/manifest.js";
import { readJsonFile } from "../artifact/read-json.js";
import { err, ok, type Result } from "../result.js";
import { type LoggedRow, readLoggedRows } from "./logged-rows.js";
import { parseTimeBound } from "./time-range.js";

export const DEFAULT_LOG = ".serve-data/predictions.sqlite";
export const DEFAULT_MODEL_DIR = "package";

export interface MonitorInputOptions {
  cwd: string;
  log?: string;
  model?: string;
  since?: string;
  until?: string;
  /** A model version, `all`, or undefined for the manifest's own version. */
  version?: string;
  now?: number;
}

export type MonitorInputError = { kind: "usage" | "input"; message: string };

export interface MonitorInputs {
  manifest: Manifest;
  rows: LoggedRow[];
}

export function loadMonitorInputs(options: MonitorInputOptions): Result<MonitorInputs, MonitorInputError> {
  const now = options.now ?? Date.now();
  const bounds: { since?: number; until?: number } = {};
  for (const key of ["since", "until"] as const) {
    const text = options[key];
    if (text === undefined) continue;
    const time = parseTimeBound(text, now);
    if (time === undefined)
      return err({
        kind: "usage",
        message: `--${key} ${text}: give an ISO date or time (2026-11-30T12:00Z) or a duration back from now (30m, 12h, 7d)`,
      });
    bounds[key] = time;
  }
  const manifestFile = join(resolve(options.cwd, options.model ?? DEFAULT_MODEL_DIR), MANIFEST_FILE);
  const manifest = readJsonFile(manifestFile, ManifestSchema);
  if (!manifest.ok)
    return err({
      kind: "input",
      message: `${manifest.error.message} (pass the model's package directory with --model)`,
    });
  const version = options.version === "all" ? undefined : (options.version ?? manifest.value.version);
  const read = readLoggedRows(resolve(options.cwd, options.log ?? DEFAULT_LOG), {
    ...bounds,
    ...(version === undefined ? {} : { version }),
  });
  if (!read.ok) return err({ kind: "input", message: read.error.message });
  return ok({ manifest: manifest.value, rows: read.value });
}
