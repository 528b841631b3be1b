/** One dep or output as recorded after a run; `nfiles` is present for directories only. */
export interface LockedPath {
  path: string;
  hash: string;
  size: number;
  nfiles?: number;
}

/** What a stage's last successful run saw and produced. */
export interface LockedStage {
  cmd: string | string[];
  deps: LockedPath[];
  /** params file → dotted key → value */
  params: Record<string, Record<string, unknown>>;
  outs: LockedPath[];
  metrics: LockedPath[];
  plots: LockedPath[];
}

export type LockedStages = Map<string, LockedStage>;
