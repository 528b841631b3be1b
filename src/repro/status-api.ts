import { resolve } from "node:path";
import { err, ok, type Result, toReproError } from "./errors.js";
import { computeStatus, type StageStatus } from "./status.js";
import { openWorkspace, selectStages } from "./workspace.js";

export interface StatusOptions {
  cwd?: string;
  /** Stages to report on, with their upstream (default: all). */
  stages?: string[];
}

/** Which stages are stale and why, without running anything. */
export async function status(options: StatusOptions = {}): Promise<Result<StageStatus[]>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()));
  if (!opened.ok) return opened;
  const selected = selectStages(opened.value, options.stages);
  if (!selected.ok) return selected;
  try {
    const statuses = computeStatus(opened.value, selected.value);
    opened.value.statCache.save();
    return ok(statuses);
  } catch (thrown) {
    return err(toReproError(thrown));
  }
}
