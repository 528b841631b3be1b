import type { Location } from "../errors.js";

/** What a stage writes: `out`s are cached; `metric`s (JSON) and `plot`s are tracked in the lock and meant for git. */
export type OutputKind = "out" | "metric" | "plot";

export interface DeclaredPath {
  /** Normalized POSIX path relative to the pipeline's directory. */
  path: string;
  at: Location;
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

export interface Stage {
  name: string;
  at: Location;
  /** As written in pipeline.yaml (kept so the lock records it verbatim). */
  cmd: string | string[];
  /** The commands to run, one after another. */
  commands: string[];
  cmdAt: Location;
  deps: DeclaredPath[];
  params: ParamRef[];
  outputs: DeclaredOutput[];
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
