/**
 * The engine's programmatic API. Every function takes a `cwd` (the directory holding pipeline.yaml; default
 * process.cwd()) and returns errors as values: `{ ok: false, error }` with `error.kind` (see errors.ts) and
 * `formatError(error)` for a message.
 */
import type { Result } from "./errors.js";
import type { LockedStages } from "./lock.js";

export { type CommitOptions, type CommitReport, commit } from "./commit.js";
export { type DagFormat, renderDag } from "./dag-render.js";
export { formatError, type Location, type ReproError, type Result } from "./errors.js";
export type { EventListener, ReproEvent, StageOutcome } from "./events.js";
export { DEFAULT_KEEP_RUNS, type GcOptions, type GcReport, gc } from "./gc.js";
export type { Graph } from "./graph.js";
export type { LockedPath, LockedStage, LockedStages } from "./lock.js";
export type { Remote, RemoteSection } from "./remote/remote.js";
export { gcRemote, type RemoteGcOptions, type RemoteGcReport } from "./remote/remote-gc.js";
export { type OutputSync, type RemoteStatusReport, remoteStatus } from "./remote/remote-status.js";
export {
  type FetchReport,
  fetch,
  type PullReport,
  type PushReport,
  pull,
  push,
  type TransferOptions,
  type TransferProgress,
} from "./remote/transfer.js";
export { type ReproOptions, type ReproResult, repro, type StageReport } from "./repro.js";
export { resolveRevision, showAtRevision } from "./review/git-revision.js";
export {
  type MetricChange,
  type MetricsDiff,
  type MetricsFile,
  metricsDiff,
  metricsShow,
} from "./review/metrics.js";
export { type ParamsDiff, paramsDiff } from "./review/params-diff.js";
export { lookupParam } from "./spec/params.js";

/** Reads pipeline.lock; a missing lock is an empty one. (The lock's parser, yaml and zod, load only here.) */
export async function readLock(cwd: string): Promise<Result<LockedStages>> {
  const { readLock: read } = await import("./lock-file.js");
  return read(cwd);
}

/**
 * Writes params overrides into the params files, keeping comments (`{"train.lr": 0.1}`, `{"other.yaml:key": v}`);
 * `repro({ setParams })` does this before running. Returns the files changed.
 */
export async function setParams(cwd: string, overrides: Record<string, unknown>): Promise<Result<string[]>> {
  const { setParams: write } = await import("./spec/set-params.js");
  return write(cwd, overrides);
}
export { metricsDiffTable, metricsShowTable } from "./review/metrics.js";
export { paramsDiffTable } from "./review/params-diff.js";
export type { Table } from "./review/table.js";
export { renderMarkdown, renderText } from "./review/table.js";
export type { DeclaredOutput, DeclaredPath, OutputKind, ParamRef, Pipeline, Stage } from "./spec/stage.js";
export { describeReason, type StaleReason } from "./staleness.js";
export type { StageState, StageStatus } from "./status.js";
export { type StatusOptions, status } from "./status-api.js";
export { type Explanation, type WhyReport, why } from "./why.js";
export { type LoadedPipeline, loadPipeline } from "./workspace.js";
