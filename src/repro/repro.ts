import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { type ReproError, toReproError } from "./errors.js";
import type { EventListener, ReproEvent, StageOutcome } from "./events.js";
import { acceptBlock, restoredBlock } from "./record-run.js";
import type { RemoteRunSource } from "./remote/run-source.js";
import { executeStage } from "./run/execute-stage.js";
import { recoverJournals } from "./run/journal.js";
import type { RunningCommand } from "./run/run-command.js";
import { acquireWorkspaceLock } from "./run/workspace-lock.js";
import { inputsSnapshot, lockedOutputs, outputsSnapshot, runKey, type StageSnapshot } from "./snapshot.js";
import { checkOverrideKeys } from "./spec/params-read.js";
import type { Stage } from "./spec/stage.js";
import { type StaleReason, staleReasons } from "./staleness.js";
import { openWorkspace, selectStages, type Workspace } from "./workspace.js";

export interface ReproOptions {
  /** The directory holding pipeline.yaml (default: process.cwd()). */
  cwd?: string;
  /** Stages to bring up to date, with everything upstream of them (default: all). */
  stages?: string[];
  /** Only the named stages, not their upstream. */
  single?: boolean;
  /** Run the selected stages even if nothing changed (and without the run cache). */
  force?: boolean;
  /** Say what would run; run nothing, write nothing. */
  dry?: boolean;
  /** How many stages may run at once (default: number of CPUs). */
  jobs?: number;
  /** After a failure, keep running stages that do not depend on it. */
  keepGoing?: boolean;
  /** Restore outputs of runs seen before instead of running (default true). */
  runCache?: boolean;
  /** Params to set before running: `{"train.lr": 0.1}` or `{"other.yaml:key": v}`; written to the params files. */
  setParams?: Record<string, unknown>;
  /** Object store and run cache to use (default: $TABULA_CACHE_DIR, else .repro/cache); may be shared. */
  cacheDir?: string;
  /** Extra environment variables for stage commands. */
  env?: Record<string, string>;
  onEvent?: EventListener;
  /** Forward SIGINT/SIGTERM to running stages and restore their outputs (default true). */
  handleSignals?: boolean;
  /** Aborting stops the run like SIGTERM. */
  signal?: AbortSignal;
  /**
   * Before running a stage, fetch the run of the same inputs from this remote's run cache (true: the default
   * remote), so only what nobody ran before runs.
   */
  pull?: boolean | string;
}

export interface StageReport {
  stage: string;
  outcome: StageOutcome;
}

export type ReproResult =
  | { ok: true; stages: StageReport[] }
  | { ok: false; error: ReproError; stages: StageReport[] };

export async function repro(options: ReproOptions = {}): Promise<ReproResult> {
  try {
    return await reproOrThrow(options);
  } catch (thrown) {
    return { ok: false, error: toReproError(thrown), stages: [] };
  }
}

async function reproOrThrow(options: ReproOptions): Promise<ReproResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const emit: EventListener = options.onEvent ?? (() => {});
  let opened = await openWorkspace(cwd, options.cacheDir);
  if (!opened.ok) return { ok: false, error: opened.error, stages: [] };
  if (options.setParams) {
    const checked = checkOverrideKeys(opened.value.pipeline.stages, options.setParams);
    if (!checked.ok) return { ok: false, error: checked.error, stages: [] };
    if (options.dry) {
      // What the pipeline would be with the params set: resolved paths and foreach stages may change with them.
      const { overriddenTexts } = await import("./spec/set-params.js");
      const texts = overriddenTexts(cwd, options.setParams);
      if (!texts.ok) return { ok: false, error: texts.error, stages: [] };
      opened = await openWorkspace(cwd, options.cacheDir, texts.value);
      if (!opened.ok) return { ok: false, error: opened.error, stages: [] };
    }
  }
  const workspace = opened.value;
  const selected = selectStages(workspace, options.stages, options.single);
  if (!selected.ok) return { ok: false, error: selected.error, stages: [] };
  emit({ type: "plan", stages: selected.value });
  if (options.dry) {
    const stages = dryRun(workspace, selected.value, options);
    workspace.statCache.save();
    for (const { stage, outcome } of stages) emit({ type: "stage-finished", stage, outcome });
    return { ok: true, stages };
  }

  let interruptedBy: NodeJS.Signals | undefined;
  const running = new Set<RunningCommand>();
  const waitAbort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) {
      for (const command of running) command.signal("SIGKILL");
      return;
    }
    interruptedBy = signal;
    waitAbort.abort();
    for (const command of running) command.signal(signal);
  };
  const onAbort = () => onSignal("SIGTERM");
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  options.signal?.addEventListener("abort", onAbort);

  let release: (() => void) | undefined;
  let waited = false;
  try {
    try {
      release = await acquireWorkspaceLock(workspace.paths, "repro", {
        onWait: ({ holder }) => {
          waited = true;
          emit({ type: "waiting-for-lock", holder });
        },
        signal: waitAbort.signal,
      });
    } catch (thrown) {
      if (interruptedBy)
        return { ok: false, error: { kind: "interrupted", signal: interruptedBy }, stages: [] };
      throw thrown;
    }
    // Params are written only now, so that a run we waited for never sees them change under it.
    const overrides =
      options.setParams && Object.keys(options.setParams).length > 0 ? options.setParams : undefined;
    if (overrides) {
      const { setParams } = await import("./spec/set-params.js");
      const set = setParams(cwd, overrides);
      if (!set.ok) return { ok: false, error: set.error, stages: [] };
    }
    const recoveries = await recoverJournals(workspace.paths, workspace.root);
    for (const recovery of recoveries) {
      const detail =
        recovery.action === "restored-previous-outputs"
          ? "a killed run left it half-done: previous outputs restored"
          : "a killed run had finished it: kept its outputs";
      emit({
        type: "recovered",
        stage: recovery.stage,
        detail: recovery.killedOrphan ? `${detail}, orphaned process stopped` : detail,
      });
    }
    // Params may have been set, a killed run may have moved outputs, the run we waited for changed the lock.
    const current =
      overrides || recoveries.length > 0 || waited ? await openWorkspace(cwd, options.cacheDir) : opened;
    if (!current.ok) return { ok: false, error: current.error, stages: [] };
    let remoteRuns: RemoteRunSource | undefined;
    if (options.pull) {
      const { openRunSource } = await import("./remote/run-source.js");
      const opened = await openRunSource(current.value, options.pull);
      if (!opened.ok) return { ok: false, error: opened.error, stages: [] };
      remoteRuns = opened.value;
    }
    try {
      return await schedule(current.value, selected.value, options, {
        emit,
        running,
        interruptedBy: () => interruptedBy,
        remoteRuns,
      });
    } finally {
      remoteRuns?.close();
    }
  } catch (thrown) {
    return { ok: false, error: toReproError(thrown), stages: [] };
  } finally {
    release?.();
    if (handleSignals) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    options.signal?.removeEventListener("abort", onAbort);
  }
}

interface Runtime {
  emit: EventListener;
  running: Set<RunningCommand>;
  interruptedBy(): NodeJS.Signals | undefined;
  /** `pull`: the remote's run cache, asked before a stage runs. */
  remoteRuns?: RemoteRunSource;
}

/** Runs the selected stages in dependency order, up to `jobs` at once. */
async function schedule(
  workspace: Workspace,
  order: string[],
  options: ReproOptions,
  runtime: Runtime,
): Promise<ReproResult> {
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const selected = new Set(order);
  const outcomes = new Map<string, StageOutcome>();
  const pending = new Set(order);
  const inFlight = new Map<string, Promise<void>>();
  let firstFailure: ReproError | undefined;
  const finish = (stage: string, outcome: StageOutcome) => {
    outcomes.set(stage, outcome);
    runtime.emit({ type: "stage-finished", stage, outcome } satisfies ReproEvent);
    if (outcome.kind === "failed") firstFailure ??= outcome.error;
  };
  const failedUpstream = (stage: string): string | undefined => {
    for (const parent of workspace.graph.upstream.get(stage) ?? []) {
      if (!selected.has(parent)) continue;
      const outcome = outcomes.get(parent);
      if (outcome?.kind === "failed") return parent;
      if (outcome?.kind === "skipped-upstream-failed") return outcome.upstream;
    }
    return undefined;
  };
  const ready = (stage: string) =>
    (workspace.graph.upstream.get(stage) ?? []).every(
      (parent) => !selected.has(parent) || outcomes.has(parent),
    );

  try {
    for (;;) {
      const stopping =
        runtime.interruptedBy() !== undefined || (firstFailure !== undefined && !options.keepGoing);
      if (!stopping) {
        for (const stage of order) {
          if (inFlight.size >= jobs) break;
          if (!pending.has(stage) || !ready(stage)) continue;
          pending.delete(stage);
          const upstream = failedUpstream(stage);
          if (upstream) {
            finish(stage, { kind: "skipped-upstream-failed", upstream });
            continue;
          }
          const task = processStage(workspace, stage, options, runtime).then(
            (outcome) => finish(stage, outcome),
            (thrown) =>
              finish(stage, { kind: "failed", error: toReproError(thrown), seconds: 0, outputTail: [] }),
          );
          inFlight.set(
            stage,
            task.finally(() => inFlight.delete(stage)),
          );
        }
      }
      if (inFlight.size === 0) {
        const progress = !stopping && [...pending].some((stage) => ready(stage));
        if (!progress) break;
        continue;
      }
      await Promise.race(inFlight.values());
    }
  } finally {
    workspace.statCache.save();
  }

  for (const stage of pending) outcomes.set(stage, { kind: "not-started" });
  const stages = order.map((stage) => ({
    stage,
    outcome: outcomes.get(stage) ?? { kind: "not-started" as const },
  }));
  const interrupted = runtime.interruptedBy();
  if (interrupted) return { ok: false, error: { kind: "interrupted", signal: interrupted }, stages };
  if (firstFailure) return { ok: false, error: firstFailure, stages };
  return { ok: true, stages };
}

/** Decides what one stage needs (nothing, a restore from the run cache, or a run) and does it. */
async function processStage(
  workspace: Workspace,
  name: string,
  options: ReproOptions,
  runtime: Runtime,
): Promise<StageOutcome> {
  const { pipeline, hasher, params, lock } = workspace;
  const stage = pipeline.byName.get(name);
  if (!stage) throw new Error(`unknown stage ${name}`);
  const inputs = inputsSnapshot(stage, hasher, params);
  const outputs = outputsSnapshot(stage, hasher);
  const stale = staleReasons(stage, lock.get(name), { ...inputs, outputs });
  if (stage.frozen)
    return { kind: "frozen", reasons: stale, restoredOutputs: checkoutMissing(workspace, name, outputs) };
  if (!options.force && stale.length === 0) return { kind: "up-to-date" };
  const reasons: StaleReason[] = options.force ? [{ kind: "forced" }, ...stale] : stale;

  const missingDep = inputs.deps.find((dep) => dep.state === null && !dep.optional);
  if (missingDep) {
    const error: ReproError = { kind: "dep-missing-at-run", stage: name, path: missingDep.path };
    return { kind: "failed", error, seconds: 0, outputTail: [] };
  }
  // An always_changed stage reads something outside its declared inputs: a cached run proves nothing.
  if (!options.force && options.runCache !== false && !stage.alwaysChanged) {
    const started = performance.now();
    await runtime.remoteRuns?.fetch(name, runKey(stage, inputs));
    if (
      await restoreFromRunCache(workspace, stage, inputs, outputs, () =>
        runtime.emit({ type: "stage-started", stage: name, reasons }),
      )
    ) {
      return { kind: "restored", reasons, seconds: (performance.now() - started) / 1000 };
    }
  }

  runtime.emit({ type: "stage-started", stage: name, reasons });
  const context = {
    workspace,
    env: options.env ?? {},
    emit: runtime.emit,
    running: runtime.running,
    interruptedBy: runtime.interruptedBy,
  };
  const outcome = await executeStage(context, stage, inputs);
  return outcome.kind === "ran" ? { ...outcome, reasons } : outcome;
}

/**
 * If an earlier run had exactly these inputs and its outputs are all in the cache, puts them in place (only those
 * that differ) and records the run in the lock. False when there is no such run.
 */
async function restoreFromRunCache(
  workspace: Workspace,
  stage: Stage,
  inputs: Omit<StageSnapshot, "outputs">,
  outputs: StageSnapshot["outputs"],
  onStart: () => void,
): Promise<boolean> {
  const { runs, store, root, hasher } = workspace;
  const entry = runs.lookup(stage.name, runKey(stage, inputs));
  if (!entry?.outputs.every((output) => store.canRestore(output))) return false;
  onStart();
  const current = new Map(outputs.map((output) => [output.path, output.state?.hash]));
  const changed = entry.outputs.filter((output) => current.get(output.path) !== output.hash);
  for (const output of changed) store.restore(root, output.path, output);
  hasher.invalidate(changed.map((output) => output.path));
  await acceptBlock(workspace, stage.name, restoredBlock(stage, inputs, entry));
  runs.touch(stage.name, entry.key);
  return true;
}

/** A frozen stage is not run, but outputs that went missing can still be checked out from the cache. */
function checkoutMissing(workspace: Workspace, name: string, outputs: StageSnapshot["outputs"]): string[] {
  const locked = workspace.lock.get(name);
  if (!locked) return [];
  const recorded = new Map(lockedOutputs(locked).map((entry) => [entry.path, entry]));
  const restored: string[] = [];
  for (const output of outputs) {
    const entry = recorded.get(output.path);
    if (output.state || !entry || !workspace.store.canRestore(entry)) continue;
    workspace.store.restore(workspace.root, output.path, entry);
    restored.push(output.path);
  }
  workspace.hasher.invalidate(restored);
  return restored;
}

/** --dry: what each stage would do, without running, restoring or writing anything. */
function dryRun(workspace: Workspace, order: string[], options: ReproOptions): StageReport[] {
  const { pipeline, hasher, params, lock, graph } = workspace;
  const mayRun = new Set<string>();
  return order.map((name) => {
    const stage = pipeline.byName.get(name);
    if (!stage) return { stage: name, outcome: { kind: "not-started" } };
    const snapshot = { ...inputsSnapshot(stage, hasher, params), outputs: outputsSnapshot(stage, hasher) };
    const reasons = staleReasons(stage, lock.get(name), snapshot);
    if (stage.frozen) return { stage: name, outcome: { kind: "frozen", reasons, restoredOutputs: [] } };
    const upstream = (graph.upstream.get(name) ?? []).filter((parent) => mayRun.has(parent));
    if (!options.force && reasons.length === 0 && upstream.length === 0) {
      return { stage: name, outcome: { kind: "up-to-date" } };
    }
    mayRun.add(name);
    return { stage: name, outcome: { kind: "would-run", reasons, upstream } };
  });
}
