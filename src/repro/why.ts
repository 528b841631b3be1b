import { resolve } from "node:path";
import { err, ok, type Result, toReproError } from "./errors.js";
import type { FileEntry } from "./hash/path-hash.js";
import { describeReason, type StaleReason } from "./staleness.js";
import { computeStatus, type StageState } from "./status.js";
import { openWorkspace, selectStages, type Workspace } from "./workspace.js";

/** Which files of a directory differ between the recorded manifest and the disk. */
export interface DirectoryChange {
  added: string[];
  removed: string[];
  modified: string[];
}

export interface Explanation {
  reason: StaleReason;
  /** The reason as a sentence, with old → new values. */
  text: string;
  /** For a directory dep or output whose old manifest is in the cache. */
  files?: DirectoryChange;
}

export interface WhyReport {
  stage: string;
  state: StageState;
  explanations: Explanation[];
  /** Stale stages upstream whose new outputs may change this stage's deps. */
  upstream: string[];
}

export function diffEntries(before: readonly FileEntry[], after: readonly FileEntry[]): DirectoryChange {
  const old = new Map(before.map((entry) => [entry.path, entry.hash]));
  const now = new Map(after.map((entry) => [entry.path, entry.hash]));
  return {
    added: [...now.keys()].filter((path) => !old.has(path)),
    removed: [...old.keys()].filter((path) => !now.has(path)),
    modified: [...now]
      .filter(([path, hash]) => old.has(path) && old.get(path) !== hash)
      .map(([path]) => path),
  };
}

/** `why <stage>`: every reason the stage would run, with the old and new value of what changed. */
export async function why(options: {
  cwd?: string;
  stage: string;
  cacheDir?: string;
}): Promise<Result<WhyReport>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()), options.cacheDir);
  if (!opened.ok) return opened;
  const workspace = opened.value;
  const selected = selectStages(workspace, [options.stage]);
  if (!selected.ok) return selected;
  try {
    return explain(workspace, selected.value, options.stage);
  } catch (thrown) {
    return err(toReproError(thrown));
  }
}

function explain(workspace: Workspace, selected: string[], stage: string): Result<WhyReport> {
  const status = computeStatus(workspace, selected).find((entry) => entry.stage === stage);
  workspace.statCache.save();
  if (!status) return err({ kind: "unknown-stage", stage, known: workspace.graph.order });

  const explanations = status.reasons.map((reason): Explanation => {
    const text = describeReason(reason);
    if (reason.kind !== "dep-changed" && reason.kind !== "output-changed") return { reason, text };
    const now = workspace.hasher.state(reason.path);
    const before = workspace.store.readManifest(reason.old);
    if (now?.kind !== "dir" || !before) return { reason, text };
    return { reason, text, files: diffEntries(before, now.entries) };
  });
  return ok({ stage: status.stage, state: status.state, explanations, upstream: status.upstream });
}
