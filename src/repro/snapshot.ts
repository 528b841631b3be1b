import { canonicalJson } from "./canonical-json.js";
import type { Hasher, PathState } from "./hash/path-hash.js";
import { hashBytes } from "./hash/xxh3.js";
import type { LockedPath, LockedStage } from "./lock.js";
import { lookupParam, type ParamsFiles } from "./spec/params.js";
import type { OutputKind, Stage } from "./spec/stage.js";

/** A stage's inputs and outputs as they are on disk now. */
export interface StageSnapshot {
  /** `optional` deps may be absent (state null) without that being an error. */
  deps: { path: string; state: PathState | null; optional?: boolean }[];
  /** params file → dotted key → value (undefined when the key is gone) */
  params: Record<string, Record<string, unknown>>;
  outputs: { path: string; kind: OutputKind; state: PathState | null }[];
}

export function inputsSnapshot(
  stage: Stage,
  hasher: Hasher,
  params: ParamsFiles,
): Omit<StageSnapshot, "outputs"> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const param of stage.params) {
    const data = params.read(param.file)?.data;
    values[param.file] ??= {};
    (values[param.file] as Record<string, unknown>)[param.key] = lookupParam(data, param.key).value;
  }
  return {
    deps: stage.deps.map((dep) =>
      dep.optional
        ? { path: dep.path, state: hasher.state(dep.path), optional: true }
        : { path: dep.path, state: hasher.state(dep.path) },
    ),
    params: values,
  };
}

export function outputsSnapshot(stage: Stage, hasher: Hasher): StageSnapshot["outputs"] {
  return stage.outputs.map((output) => ({
    path: output.path,
    kind: output.kind,
    state: hasher.state(output.path),
  }));
}

export function takeSnapshot(stage: Stage, hasher: Hasher, params: ParamsFiles): StageSnapshot {
  return { ...inputsSnapshot(stage, hasher, params), outputs: outputsSnapshot(stage, hasher) };
}

export function lockedPath(path: string, state: PathState): LockedPath {
  return state.kind === "dir"
    ? { path, hash: state.hash, size: state.size, nfiles: state.nfiles }
    : { path, hash: state.hash, size: state.size };
}

function present(entries: { path: string; state: PathState | null }[]): LockedPath[] {
  return entries.flatMap(({ path, state }) => (state ? [lockedPath(path, state)] : []));
}

/** The lock block for a snapshot in which every dep and output exists. */
export function toLockedStage(stage: Stage, snapshot: StageSnapshot): LockedStage {
  const ofKind = (kind: OutputKind) => present(snapshot.outputs.filter((output) => output.kind === kind));
  return {
    cmd: stage.cmd,
    deps: present(snapshot.deps),
    params: snapshot.params,
    outs: ofKind("out"),
    metrics: ofKind("metric"),
    plots: ofKind("plot"),
  };
}

/**
 * The run-cache key: everything that determines what a stage produces (its commands, the content of its deps,
 * the values of its params) plus which outputs it declares.
 */
export function runKey(stage: Stage, inputs: Omit<StageSnapshot, "outputs">): string {
  return keyOf(
    stage,
    inputs.deps.map(({ path, state }) => [path, state?.hash ?? null]),
    inputs.params,
  );
}

/** The run-cache key of the run a lock block records: what `runKey` gave for the inputs that run saw. */
export function lockedRunKey(stage: Stage, locked: LockedStage): string {
  const hashes = new Map(locked.deps.map((dep) => [dep.path, dep.hash]));
  return keyOf(
    stage,
    stage.deps.map((dep) => [dep.path, hashes.get(dep.path) ?? null]),
    locked.params,
  );
}

function keyOf(
  stage: Stage,
  deps: [path: string, hash: string | null][],
  params: Record<string, Record<string, unknown>>,
): string {
  return hashBytes(
    canonicalJson({
      cmd: stage.commands,
      deps,
      params,
      outputs: stage.outputs.map((output) => [output.path, output.kind]),
    }),
  );
}

/** All outputs of a locked stage, whatever their kind. */
export function lockedOutputs(locked: LockedStage): (LockedPath & { kind: OutputKind })[] {
  return [
    ...locked.outs.map((entry) => ({ ...entry, kind: "out" as const })),
    ...locked.metrics.map((entry) => ({ ...entry, kind: "metric" as const })),
    ...locked.plots.map((entry) => ({ ...entry, kind: "plot" as const })),
  ];
}
