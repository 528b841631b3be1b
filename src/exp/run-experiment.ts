// `tabula exp run`: the pipeline with some params overridden, in a copy of the workspace under .repro/ (the
// user's files stay byte-identical), sharing the run cache so every stage whose inputs were seen before is
// restored instead of run. The result is recorded as an experiment; the copy is removed.

import { join } from "node:path";
import { type EventListener, loadPipeline, repro, type StageReport } from "../repro/index.js";
import { err, ok, type Result } from "../result.js";
import type { ExpError } from "./exp-error.js";
import type { Experiment } from "./experiment.js";
import { recordExperiment } from "./record.js";
import { ExperimentStore } from "./store.js";
import { copyWorkspace } from "./workspace-copy.js";
import { workspaceState } from "./workspace-state.js";

export interface ExperimentRequest {
  name: string | null;
  /** Params to set: `{"tune.trials": 10}`, `{"other.yaml:key": v}`. */
  overrides: Record<string, unknown>;
  /** Stages to bring up to date (with their upstream); empty: all. */
  stages: string[];
  /** Use the queue entry's id, so a queued experiment keeps its id. */
  id?: string;
}

export interface RunOptions {
  onEvent?: EventListener;
  /** Stages to run at once inside the experiment. */
  jobs?: number;
  /** Restore seen runs from the cache (default true). */
  runCache?: boolean;
  /** Object store and run cache (default: $TABULA_CACHE_DIR, else the workspace's .repro/cache). */
  cacheDir?: string;
  handleSignals?: boolean;
}

export type ExperimentOutcome =
  | { ok: true; experiment: Experiment }
  | { ok: false; error: ExpError; stages: StageReport[] };

export async function runExperiment(
  root: string,
  request: ExperimentRequest,
  options: RunOptions = {},
): Promise<ExperimentOutcome> {
  const checked = await checkOverrides(root, request.overrides);
  if (!checked.ok) return { ok: false, error: checked.error, stages: [] };
  const id = request.id ?? new ExperimentStore(root).newId();
  const copy = copyWorkspace(root, join(root, ".repro", "exp", id), checked.value);
  try {
    const started = performance.now();
    const result = await repro({
      cwd: copy.dir,
      stages: request.stages,
      setParams: request.overrides,
      cacheDir: options.cacheDir ?? process.env.TABULA_CACHE_DIR ?? join(root, ".repro", "cache"),
      runCache: options.runCache ?? true,
      jobs: options.jobs,
      onEvent: options.onEvent,
      handleSignals: options.handleSignals ?? true,
    });
    if (!result.ok)
      return { ok: false, error: { kind: "repro", error: result.error }, stages: result.stages };
    const recorded = await recordExperiment(root, {
      ranIn: copy.dir,
      source: "exp run",
      name: request.name,
      overrides: request.overrides,
      targets: request.stages,
      seconds: (performance.now() - started) / 1000,
      stages: result.stages,
      id,
    });
    return recorded.ok
      ? { ok: true, experiment: recorded.value }
      : { ok: false, error: recorded.error, stages: result.stages };
  } finally {
    copy.remove();
  }
}

/**
 * Every override must name a param some stage reads (a typo would otherwise add an unused key and run the same
 * experiment again). Returns the declared deps a copy needs beyond git's files: those no stage produces.
 */
async function checkOverrides(
  root: string,
  overrides: Record<string, unknown>,
): Promise<Result<string[], ExpError>> {
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return err({ kind: "repro", error: loaded.error });
  const state = await workspaceState(root);
  if (!state.ok) return state;
  const known = Object.keys(state.value.params);
  for (const key of Object.keys(overrides)) {
    const read = known.some(
      (param) => param === key || param.startsWith(`${key}.`) || key.startsWith(`${param}.`),
    );
    if (!read)
      return err({
        kind: "unread-param",
        message: `--set-param ${key}: no stage reads this param${nearest(key, known)}; stages read: ${
          [...new Set(known.map((param) => param.split(".")[0]))].join(", ") || "none"
        }`,
      });
  }
  const stages = loaded.value.pipeline.stages;
  const outputs = stages.flatMap((stage) => stage.outputs.map((output) => output.path));
  const deps = stages.flatMap((stage) => stage.deps.map((dep) => dep.path));
  const producedBy = (dep: string, output: string) => dep === output || dep.startsWith(`${output}/`);
  return ok(deps.filter((dep) => !outputs.some((output) => producedBy(dep, output))));
}

function nearest(key: string, known: string[]): string {
  const sameLeaf = known.filter((param) => param.split(".").at(-1) === key.split(".").at(-1));
  return sameLeaf.length > 0 ? ` (did you mean ${sameLeaf.slice(0, 3).join(", ")}?)` : "";
}
