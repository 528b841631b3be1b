import { unreachable } from "../result.js";
import { canonicalJson } from "./canonical-json.js";
import type { LockedStage } from "./lock.js";
import { flatten } from "./review/flatten.js";
import { lockedOutputs, type StageSnapshot } from "./snapshot.js";
import type { OutputKind, Stage } from "./spec/stage.js";

/** Why a stage has to run (or be restored). Old and new values are kept so `why` can show them. */
export type StaleReason =
  | { kind: "never-run" }
  /** repro --force */
  | { kind: "forced" }
  | { kind: "always-changed" }
  | { kind: "cmd-changed"; old: string | string[]; new: string | string[] }
  | { kind: "dep-added"; path: string }
  | { kind: "dep-removed"; path: string }
  | { kind: "dep-missing"; path: string }
  | { kind: "dep-changed"; path: string; old: string; new: string; oldNfiles?: number; newNfiles?: number }
  | { kind: "param-changed"; file: string; key: string; old: unknown; new: unknown }
  | { kind: "param-added"; file: string; key: string; value: unknown }
  | { kind: "param-removed"; file: string; key: string; old: unknown }
  | { kind: "output-added"; path: string; outputKind: OutputKind }
  | { kind: "output-removed"; path: string }
  | { kind: "output-missing"; path: string; outputKind: OutputKind }
  | { kind: "output-changed"; path: string; outputKind: OutputKind; old: string; new: string };

/** Reasons that only concern outputs: the run cache (or the lock's own objects) can fix them without running. */
export function onlyOutputsDiffer(reasons: readonly StaleReason[]): boolean {
  return reasons.every((reason) => reason.kind === "output-missing" || reason.kind === "output-changed");
}

const sameCmd = (a: string | string[], b: string | string[]) =>
  canonicalJson(typeof a === "string" ? [a] : a) === canonicalJson(typeof b === "string" ? [b] : b);

export function staleReasons(
  stage: Stage,
  locked: LockedStage | undefined,
  snapshot: StageSnapshot,
): StaleReason[] {
  if (!locked) return [{ kind: "never-run" }];
  const reasons: StaleReason[] = [];
  if (stage.alwaysChanged) reasons.push({ kind: "always-changed" });
  if (!sameCmd(stage.cmd, locked.cmd)) reasons.push({ kind: "cmd-changed", old: locked.cmd, new: stage.cmd });

  const lockedDeps = new Map(locked.deps.map((dep) => [dep.path, dep]));
  for (const { path, state, optional } of snapshot.deps) {
    const before = lockedDeps.get(path);
    // An optional dep absent now and at the last run is unchanged (the lock leaves absent deps out).
    if (!state) {
      if (!optional || before) reasons.push({ kind: "dep-missing", path });
    } else if (!before) reasons.push({ kind: "dep-added", path });
    else if (before.hash !== state.hash) {
      reasons.push({
        kind: "dep-changed",
        path,
        old: before.hash,
        new: state.hash,
        oldNfiles: before.nfiles,
        newNfiles: state.kind === "dir" ? state.nfiles : undefined,
      });
    }
  }
  const declaredDeps = new Set(stage.deps.map((dep) => dep.path));
  for (const dep of locked.deps) {
    if (!declaredDeps.has(dep.path)) reasons.push({ kind: "dep-removed", path: dep.path });
  }

  for (const [file, values] of Object.entries(snapshot.params)) {
    const before = locked.params[file] ?? {};
    for (const [key, value] of Object.entries(values)) {
      if (!(key in before)) reasons.push({ kind: "param-added", file, key, value });
      else if (canonicalJson(before[key]) !== canonicalJson(value)) {
        reasons.push({ kind: "param-changed", file, key, old: before[key], new: value });
      }
    }
  }
  for (const [file, values] of Object.entries(locked.params)) {
    for (const [key, old] of Object.entries(values)) {
      if (!(key in (snapshot.params[file] ?? {}))) reasons.push({ kind: "param-removed", file, key, old });
    }
  }

  const lockedOuts = new Map(lockedOutputs(locked).map((output) => [output.path, output]));
  for (const { path, kind, state } of snapshot.outputs) {
    const before = lockedOuts.get(path);
    if (!before) reasons.push({ kind: "output-added", path, outputKind: kind });
    else if (!state) reasons.push({ kind: "output-missing", path, outputKind: kind });
    else if (before.hash !== state.hash) {
      reasons.push({ kind: "output-changed", path, outputKind: kind, old: before.hash, new: state.hash });
    }
  }
  const declaredOutputs = new Set(stage.outputs.map((output) => output.path));
  for (const output of lockedOuts.values()) {
    if (!declaredOutputs.has(output.path)) reasons.push({ kind: "output-removed", path: output.path });
  }
  return reasons;
}

const short = (hash: string) => hash.slice(0, 8);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** For a params key covering a subtree: the leaves that changed, as `key.leaf: old → new`. */
function changedLeaves(key: string, old: unknown, now: unknown): string[] | undefined {
  if (!isRecord(old) || !isRecord(now)) return undefined;
  const before = flatten(old, "json");
  const after = flatten(now, "json");
  const leaves = [...new Set([...before.keys(), ...after.keys()])].filter(
    (leaf) => JSON.stringify(before.get(leaf)) !== JSON.stringify(after.get(leaf)),
  );
  return leaves.map((leaf) => `${key}.${leaf}: ${show(before.get(leaf))} → ${show(after.get(leaf))}`);
}
const show = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));
const cmdText = (cmd: string | string[]) => (typeof cmd === "string" ? cmd : cmd.join(" && "));

/** One line per reason, with old → new values (used by `status` and `why`). */
export function describeReason(reason: StaleReason): string {
  switch (reason.kind) {
    case "never-run":
      return "never run (no entry in pipeline.lock)";
    case "forced":
      return "forced";
    case "always-changed":
      return "always_changed is set";
    case "cmd-changed":
      return `cmd changed: "${cmdText(reason.old)}" → "${cmdText(reason.new)}"`;
    case "dep-added":
      return `new dependency ${reason.path}`;
    case "dep-removed":
      return `dependency ${reason.path} was removed from the stage`;
    case "dep-missing":
      return `dependency ${reason.path} is missing`;
    case "dep-changed": {
      const files =
        reason.oldNfiles !== undefined &&
        reason.newNfiles !== undefined &&
        reason.oldNfiles !== reason.newNfiles
          ? ` (${reason.oldNfiles} → ${reason.newNfiles} files)`
          : "";
      return `dependency ${reason.path} changed: ${short(reason.old)} → ${short(reason.new)}${files}`;
    }
    case "param-changed": {
      const leaves = changedLeaves(reason.key, reason.old, reason.new);
      return leaves && leaves.length > 0
        ? `param ${leaves.join(", ")} (${reason.file})`
        : `param ${reason.key} (${reason.file}): ${show(reason.old)} → ${show(reason.new)}`;
    }
    case "param-added":
      return `new param ${reason.key} (${reason.file}) = ${show(reason.value)}`;
    case "param-removed":
      return `param ${reason.key} (${reason.file}) is no longer used (was ${show(reason.old)})`;
    case "output-added":
      return `new ${reason.outputKind} ${reason.path}`;
    case "output-removed":
      return `output ${reason.path} was removed from the stage`;
    case "output-missing":
      return `${reason.outputKind} ${reason.path} is missing`;
    case "output-changed":
      return `${reason.outputKind} ${reason.path} was modified: ${short(reason.old)} → ${short(reason.new)}`;
    default:
      return unreachable(reason);
  }
}
