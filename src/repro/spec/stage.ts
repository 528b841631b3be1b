import type { Location } from "../errors.js";

/** What a stage writes: `out`s are cached; `metric`s (JSON) and `plot`s are tracked in the lock and meant for git. */
export type OutputKind = "out" | "metric" | "plot";

export interface DeclaredPath {
  /** Normalized POSIX path relative to the pipeline's directory. */
  path: string;
  at: Location;
  /** A dep that may not exist: absent, it is hashed as absent (and creating it reruns the stage). */
  optional?: boolean;
}

export interface DeclaredOutput extends DeclaredPath {
  kind: OutputKind;
}

/** A params key a stage reads: `key` is dotted (`tune.trials`); a top-level key covers its whole subtree. */
export interface ParamRef {
  file: string;
  key: string;
  at: Location;
}

/** A params key `${...}` read, and the file holding it (pipeline.yaml for a mapping written under `vars:`). */
export interface VarRef {
  file: string;
  key: string;
}

export interface Stage {
  /** `name`, or `group@key` for a stage that foreach or matrix generated. */
  name: string;
  /** The foreach / matrix stage this one was generated from. */
  group?: string;
  at: Location;
  /** As written in pipeline.yaml with `${...}` resolved (the lock records it so). */
  cmd: string | string[];
  /** The commands to run, one after another. */
  commands: string[];
  cmdAt: Location;
  deps: DeclaredPath[];
  params: ParamRef[];
  outputs: DeclaredOutput[];
  /** Keys `${...}` read to build this stage (its name, cmd and paths). */
  vars: VarRef[];
  desc?: string;
  alwaysChanged: boolean;
  frozen: boolean;
}

export interface Pipeline {
  /** Absolute directory holding pipeline.yaml: stage commands run here and every path is relative to it. */
  root: string;
  /** pipeline.yaml as shown in messages. */
  file: string;
  /** In file order. */
  stages: Stage[];
  byName: Map<string, Stage>;
  /** Default remote (a directory path), if the pipeline names one. */
  remote?: string;
}

export const PARAMS_FILE = "params.yaml";
export const PIPELINE_FILE = "pipeline.yaml";
export const LOCK_FILE = "pipeline.lock";
