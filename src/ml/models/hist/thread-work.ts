// Every command a fit's threads run together: a level's row work (level-work.ts), the histograms by row blocks
// with the splits found from them (block-histograms.ts) and a boosting round's row work (round-rows.ts). The work comes in units (LevelMemory.threads:
// row blocks of the index, or blocks of features; OP_PARTITION_SPLITS also by groups of splits), a number fixed by
// the learner and not by the thread count, so that every sum is taken in the same order on 1, 2 or 3 threads;
// whichever thread claims a unit first runs it (threaded-executor.ts).
import {
  OP_HISTOGRAM_SPLITS,
  OP_PARTITION_SPLITS,
  OP_REDUCE_SPLITS,
  OP_SAMPLE_SPLITS,
  partitionAndHistograms,
  partitionGroups,
  reduceAndSplit,
  rowBlockHistograms,
  SPLIT_GROUPS,
  sampleAndHistograms,
  sampledRootSplits,
} from "./block-histograms.js";
import { SMALL_NODE_ROWS } from "./histogram.js";
import {
  addLeafScores,
  CUT_UNITS,
  type LevelMemory,
  type LevelOp,
  OP_CUTS,
  OP_SCORES,
  runLevelWork,
  SCORES_THEN_DERIVATIVES,
} from "./level-work.js";
import { DERIVATIVE_UNITS, OP_DERIVATIVES, scoreDerivatives, unitDerivatives } from "./round-rows.js";
import { recordUnit, sharedClock, timingUnits } from "./unit-times.js";

export type WorkOp =
  | LevelOp
  | typeof OP_REDUCE_SPLITS
  | typeof OP_SAMPLE_SPLITS
  | typeof OP_PARTITION_SPLITS
  | typeof OP_HISTOGRAM_SPLITS
  | typeof OP_DERIVATIVES;

/**
 * Units of a command of `op`: `units` per phase, but SPLIT_GROUPS · `units` in OP_PARTITION_SPLITS' first
 * phase (some of them empty when the plan has fewer groups), CUT_UNITS in OP_CUTS and DERIVATIVE_UNITS in
 * OP_DERIVATIVES. A two-phase op's units u ≥ `units` (its second phase; u ≥ SPLIT_GROUPS · `units` for
 * OP_PARTITION_SPLITS, splitPhaseUnits) may start only once the units before are all done. A number fixed by the
 * op, not read from the plan: a worker that wakes after a command is over must see that every unit of it was
 * taken even once the next command's plan is being written.
 */
export function commandUnits(op: number, units: number): number {
  if (op === OP_CUTS) return CUT_UNITS;
  if (op === OP_DERIVATIVES) return DERIVATIVE_UNITS;
  if (op === OP_PARTITION_SPLITS) return SPLIT_GROUPS * units + units;
  return op === OP_SAMPLE_SPLITS || op === OP_HISTOGRAM_SPLITS ? 2 * units : units;
}

/** The first unit of a two-phase command's second phase (a one-phase command's: its unit count). */
export function splitPhaseUnits(op: number, units: number): number {
  if (op === OP_PARTITION_SPLITS) return SPLIT_GROUPS * units;
  if (op === OP_SAMPLE_SPLITS || op === OP_HISTOGRAM_SPLITS) return units;
  return commandUnits(op, units);
}

/** Every unit of `op` in order, on the calling thread. */
export function runWork(memory: LevelMemory, op: WorkOp): void {
  for (let unit = 0, units = commandUnits(op, memory.threads); unit < units; unit++)
    runUnit(memory, op, unit);
}

/** One unit of `op`: the same work whichever thread runs it. */
export function runUnit(memory: LevelMemory, op: WorkOp, unit: number): void {
  if (!timingUnits) {
    runUnitWork(memory, op, unit);
    return;
  }
  const start = sharedClock();
  runUnitWork(memory, op, unit);
  recordUnit(op, unit, start, sharedClock());
}

function runUnitWork(memory: LevelMemory, op: WorkOp, unit: number): void {
  const units = memory.threads;
  if (op === OP_PARTITION_SPLITS) {
    const group = Math.floor(unit / units);
    const groups = partitionGroups(memory.partitions, units);
    if (group < groups) partitionAndHistograms(memory, unit % units, group, groups);
    else if (unit >= SPLIT_GROUPS * units) reduceAndSplit(memory, unit - SPLIT_GROUPS * units);
  } else if (op === OP_SAMPLE_SPLITS) {
    if (unit < units) sampleAndHistograms(memory, unit);
    else sampledRootSplits(memory, unit - units, SMALL_NODE_ROWS);
  } else if (op === OP_HISTOGRAM_SPLITS) {
    if (unit < units) rowBlockHistograms(memory, unit);
    else reduceAndSplit(memory, unit - units);
  } else if (op === OP_REDUCE_SPLITS) reduceAndSplit(memory, unit);
  else if (op === OP_DERIVATIVES) unitDerivatives(memory, unit, DERIVATIVE_UNITS);
  else if (op === OP_SCORES) scoresUnit(memory, unit);
  else runLevelWork(memory, op, unit);
}

/** OP_SCORES' unit, with the next round's derivatives of its rows when asked: row by row where possible. */
function scoresUnit(memory: LevelMemory, unit: number): void {
  if (((memory.plan[3] as number) & SCORES_THEN_DERIVATIVES) === 0) {
    addLeafScores(memory, unit);
    return;
  }
  const derivatives = scoreDerivatives(memory);
  addLeafScores(memory, unit, derivatives);
  if (derivatives === undefined) unitDerivatives(memory, unit, memory.threads);
}
