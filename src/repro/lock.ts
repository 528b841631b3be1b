import { canonicalJson } from "./canonical-json.js";

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

const byPath = (a: LockedPath, b: LockedPath) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Whether two blocks would be written identically (paths sorted, keys in any order). */
export function sameBlock(a: LockedStage, b: LockedStage): boolean {
  const normal = (block: LockedStage) =>
    canonicalJson({
      ...block,
      deps: [...block.deps].sort(byPath),
      outs: [...block.outs].sort(byPath),
      metrics: [...block.metrics].sort(byPath),
      plots: [...block.plots].sort(byPath),
    });
  return normal(a) === normal(b);
}
