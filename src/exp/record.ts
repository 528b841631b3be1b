// Recording an experiment once a run has finished: its params, metrics, dep hashes, git revision and duration.

import type { StageReport } from "../repro/index.js";
import { loadPipeline } from "../repro/index.js";
import { err, ok } from "../result.js";
import { EXPERIMENT_FORMAT, type Experiment } from "./experiment.js";
import { ExperimentStore, type Found } from "./store.js";
import { gitRevision, workspaceState } from "./workspace-state.js";

export interface RunInfo {
  /** Where the run happened (the workspace, or an experiment's copy of it). */
  ranIn: string;
  source: Experiment["source"];
  name: string | null;
  overrides: Record<string, unknown>;
  targets: string[];
  seconds: number;
  stages: StageReport[];
  id?: string;
}

/** Builds the record from the state `info.ranIn` is in now, and saves it in `root`'s store. */
export async function recordExperiment(root: string, info: RunInfo): Promise<Found<Experiment>> {
  const state = await workspaceState(info.ranIn);
  if (!state.ok) return state;
  const store = new ExperimentStore(root);
  const experiment: Experiment = {
    format: EXPERIMENT_FORMAT,
    id: info.id ?? store.newId(),
    name: info.name,
    source: info.source,
    time: new Date().toISOString(),
    rev: gitRevision(root),
    targets: info.targets,
    overrides: info.overrides,
    ...state.value,
    seconds: Math.round(info.seconds * 1000) / 1000,
    stages: {
      ran: info.stages.filter((stage) => stage.outcome.kind === "ran").map((stage) => stage.stage),
      restored: info.stages.filter((stage) => stage.outcome.kind === "restored").map((stage) => stage.stage),
    },
  };
  store.save(experiment);
  return ok(experiment);
}

/**
 * After `tabula repro`: records an experiment when a stage that writes metrics ran (or was restored) and the
 * params and metrics differ from the last experiment recorded, so reruns that change nothing add nothing; when every
 * metrics stage was restored from the run cache, they must differ from every experiment recorded.
 * Returns the experiment, or undefined when there was nothing new.
 */
export async function recordAfterRepro(
  root: string,
  targets: string[],
  stages: StageReport[],
  seconds: number,
): Promise<Found<Experiment | undefined>> {
  const loaded = await loadPipeline(root);
  if (!loaded.ok) return err({ kind: "repro", error: loaded.error });
  const producers = new Set(
    loaded.value.pipeline.stages
      .filter((stage) => stage.outputs.some((output) => output.kind === "metric"))
      .map((stage) => stage.name),
  );
  const produced = stages.some(
    (stage) =>
      producers.has(stage.stage) && (stage.outcome.kind === "ran" || stage.outcome.kind === "restored"),
  );
  if (!produced) return ok(undefined);
  const state = await workspaceState(root);
  if (!state.ok) return state;
  const store = new ExperimentStore(root);
  const sameAs = (experiment: Experiment | undefined): boolean =>
    experiment !== undefined &&
    same(experiment.metrics, state.value.metrics) &&
    same(experiment.params, state.value.params);
  if (sameAs(store.latest())) return ok(undefined);
  // A pure run-cache restore (no metrics stage ran) of params and metrics already recorded is a revisit of that
  // experiment, not a new one: `exp show` would list it twice.
  const ranProducer = stages.some((stage) => producers.has(stage.stage) && stage.outcome.kind === "ran");
  if (!ranProducer && store.list().some(sameAs)) return ok(undefined);
  return recordExperiment(root, {
    ranIn: root,
    source: "repro",
    name: null,
    overrides: {},
    targets,
    seconds,
    stages,
  });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
