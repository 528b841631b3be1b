import { type Result as BaseResult, err, ok, unreachable } from "../result.js";

/** A position in a file the user wrote (1-based line and column), so every message can point at it. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Everything that can go wrong in the engine, as values. `formatError` turns each into a message. */
export type ReproError =
  | { kind: "pipeline-not-found"; dir: string }
  | { kind: "yaml-syntax"; at: Location; message: string }
  | { kind: "invalid-pipeline"; at: Location; stage?: string; message: string }
  | { kind: "invalid-path"; at: Location; stage: string; path: string; reason: string }
  | { kind: "cycle"; at: Location; stages: string[] }
  | {
      kind: "overlapping-outs";
      at: Location;
      stage: string;
      path: string;
      other: { stage: string; path: string };
    }
  | { kind: "missing-dep"; at: Location; stage: string; path: string }
  | { kind: "missing-params-file"; at: Location; stage: string; file: string }
  | { kind: "missing-param"; at: Location; stage: string; file: string; key: string }
  | { kind: "invalid-params"; at: Location; message: string }
  | { kind: "invalid-lock"; at: Location; message: string }
  | { kind: "unknown-stage"; stage: string; known: string[] }
  | { kind: "stage-failed"; stage: string; exitCode: number | null; signal: string | null }
  | { kind: "output-missing"; stage: string; path: string; when: "run" | "commit" }
  | { kind: "dep-missing-at-run"; stage: string; path: string }
  | { kind: "upstream-failed"; stage: string; upstream: string }
  | { kind: "interrupted"; signal: string }
  | { kind: "not-a-git-repo"; dir: string }
  | { kind: "git-revision"; revision: string; shallow: boolean; detail: string }
  | { kind: "git-failed"; command: string; detail: string }
  | { kind: "remote"; url: string; message: string }
  | { kind: "invalid-config"; at: Location; message: string }
  | { kind: "missing-objects"; message: string; hashes: string[] }
  | { kind: "usage"; message: string }
  | { kind: "io"; path: string; message: string };

export type Result<T, E = ReproError> = BaseResult<T, E>;
export { err, ok };

/**
 * Carries a ReproError through `throw` inside the engine, where threading a Result through every frame would
 * hide the logic; the public API catches it and returns the error as a value.
 */
export class ReproFailure extends Error {
  constructor(readonly error: ReproError) {
    super(formatError(error));
    this.name = "ReproFailure";
  }
}

export function formatLocation(at: Location): string {
  return `${at.file}:${at.line}:${at.column}`;
}

function quoted(stage: string): string {
  return `stage "${stage}"`;
}

export function formatError(error: ReproError): string {
  switch (error.kind) {
    case "pipeline-not-found":
      return `no pipeline.yaml in ${error.dir}`;
    case "yaml-syntax":
      return `${formatLocation(error.at)}: invalid YAML: ${error.message}`;
    case "invalid-pipeline":
      return `${formatLocation(error.at)}: ${error.stage ? `${quoted(error.stage)}: ` : ""}${error.message}`;
    case "invalid-path":
      return `${formatLocation(error.at)}: ${quoted(error.stage)}: path "${error.path}" ${error.reason}`;
    case "cycle":
      return `${formatLocation(error.at)}: the stages form a cycle: ${error.stages.join(" → ")}`;
    case "overlapping-outs": {
      const same = error.path === error.other.path;
      return `${formatLocation(error.at)}: ${quoted(error.stage)}: output "${error.path}" ${
        same ? "is also an output of" : "overlaps output"
      } ${same ? quoted(error.other.stage) : `"${error.other.path}" of ${quoted(error.other.stage)}`}`;
    }
    case "missing-dep":
      return `${formatLocation(error.at)}: ${quoted(error.stage)}: dependency "${error.path}" does not exist and no stage produces it`;
    case "missing-params-file":
      return `${formatLocation(error.at)}: ${quoted(error.stage)}: params file "${error.file}" does not exist`;
    case "missing-param":
      return `${formatLocation(error.at)}: ${quoted(error.stage)}: params key "${error.key}" is missing from ${error.file}`;
    case "invalid-params":
      return `${formatLocation(error.at)}: ${error.message}`;
    case "invalid-lock":
      return `${formatLocation(error.at)}: invalid lock file: ${error.message} (fix it, or delete it to rerun everything)`;
    case "unknown-stage":
      return `unknown stage "${error.stage}"; stages: ${error.known.join(", ") || "(none)"}`;
    case "stage-failed":
      return `${quoted(error.stage)} failed: ${
        error.signal ? `killed by ${error.signal}` : `exit code ${error.exitCode}`
      }; its previous outputs and lock entry are kept`;
    case "output-missing":
      return error.when === "run"
        ? `${quoted(error.stage)} succeeded but did not write its output "${error.path}"`
        : `${quoted(error.stage)}: cannot commit, output "${error.path}" does not exist`;
    case "dep-missing-at-run":
      return `${quoted(error.stage)}: dependency "${error.path}" does not exist`;
    case "upstream-failed":
      return `${quoted(error.stage)} skipped: upstream ${quoted(error.upstream)} failed`;
    case "interrupted":
      return `interrupted by ${error.signal}; running stages were stopped and their previous outputs restored`;
    case "not-a-git-repo":
      return `${error.dir} is not inside a git repository`;
    case "git-revision":
      return error.shallow
        ? `git revision "${error.revision}" is not in this shallow clone; fetch it first (git fetch --unshallow, or git fetch --depth=N origin <branch>)`
        : `unknown git revision "${error.revision}": ${error.detail}`;
    case "git-failed":
      return `${error.command} failed: ${error.detail}`;
    case "remote":
      return `remote ${error.url}: ${error.message}`;
    case "invalid-config":
      return `${formatLocation(error.at)}: ${error.message}`;
    case "missing-objects":
      return `${error.message} (${error.hashes.length} object${error.hashes.length === 1 ? "" : "s"} missing)`;
    case "usage":
      return error.message;
    case "io":
      return `${error.path}: ${error.message}`;
    default:
      return unreachable(error);
  }
}

/** Turns anything thrown into a ReproError: our own failures keep their kind, the rest become `io`. */
export function toReproError(thrown: unknown, path = ""): ReproError {
  if (thrown instanceof ReproFailure) return thrown.error;
  const error = thrown as NodeJS.ErrnoException;
  return { kind: "io", path: error?.path ?? path, message: error?.message ?? String(thrown) };
}
