import type { ReproError } from "./errors.js";
import type { LockHolder } from "./run/workspace-lock.js";
import type { StaleReason } from "./staleness.js";

/** What happened to one stage in a `repro`. */
export type StageOutcome =
  | { kind: "up-to-date" }
  | { kind: "frozen"; reasons: StaleReason[]; restoredOutputs: string[] }
  | { kind: "restored"; reasons: StaleReason[]; seconds: number }
  | { kind: "ran"; reasons: StaleReason[]; seconds: number }
  /** --dry: `reasons` empty and `upstream` non-empty means "runs only if those stages change its deps". */
  | { kind: "would-run"; reasons: StaleReason[]; upstream: string[] }
  | { kind: "failed"; error: ReproError; seconds: number; outputTail: string[] }
  | { kind: "skipped-upstream-failed"; upstream: string }
  | { kind: "not-started" };

export type ReproEvent =
  /** The stages this run considers, in the order they will be reported. */
  | { type: "plan"; stages: string[] }
  | { type: "waiting-for-lock"; holder: LockHolder }
  | { type: "recovered"; stage: string; detail: string }
  | { type: "stage-started"; stage: string; reasons: StaleReason[] }
  | { type: "stage-output"; stage: string; stream: "stdout" | "stderr"; line: string }
  | { type: "stage-finished"; stage: string; outcome: StageOutcome };

export type EventListener = (event: ReproEvent) => void;
