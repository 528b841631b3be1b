// `tabula exp apply ID`: the experiment's params written into the workspace's params files (only the values that
// differ, so comments and layout stay), then a repro that restores its outputs from the run cache.

import { type EventListener, repro, type StageReport, setParams } from "../repro/index.js";
import { err, ok, type Result } from "../result.js";
import type { ExpError } from "./exp-error.js";
import type { Experiment } from "./experiment.js";
import { ExperimentStore } from "./store.js";
import { workspaceState } from "./workspace-state.js";

export interface ApplyReport {
  experiment: Experiment;
  /** Params changed in the workspace: key → [old, new]. */
  changed: Record<string, [unknown, unknown]>;
  stages: StageReport[];
  /** Metrics that came out different from the experiment's (e.g. the code changed since it ran). */
  differingMetrics: string[];
}

export async function applyExperiment(
  root: string,
  idOrName: string,
  options: { onEvent?: EventListener } = {},
): Promise<Result<ApplyReport, ExpError>> {
  const found = new ExperimentStore(root).find(idOrName);
  if (!found.ok) return found;
  const experiment = found.value;
  const current = await workspaceState(root);
  if (!current.ok) return current;
  const changed: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(experiment.params)) {
    const now = current.value.params[key];
    if (JSON.stringify(now) !== JSON.stringify(value)) changed[key] = [now, value];
  }
  if (Object.keys(changed).length > 0) {
    const written = await setParams(
      root,
      Object.fromEntries(Object.entries(changed).map(([key, [, value]]) => [key, value])),
    );
    if (!written.ok) return err({ kind: "repro", error: written.error });
  }
  const result = await repro({ cwd: root, stages: experiment.targets, onEvent: options.onEvent });
  if (!result.ok) return err({ kind: "repro", error: result.error });
  const after = await workspaceState(root);
  if (!after.ok) return after;
  const differingMetrics = Object.keys(experiment.metrics).filter(
    (file) => JSON.stringify(after.value.metrics[file]) !== JSON.stringify(experiment.metrics[file]),
  );
  return ok({ experiment, changed, stages: result.stages, differingMetrics });
}
