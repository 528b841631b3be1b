// The per-row work of a boosting round outside its trees, spread over the units (row blocks) like a level's
// (thread-work.ts): OP_DERIVATIVES, each unit fills the gradient and hessian of its rows at the current scores.
import { derivativePairs, objectiveFor } from "../gbt-objective.js";
import { type LevelMemory, rowFrom, type ScoreDerivatives } from "./level-work.js";

export const OP_DERIVATIVES = 18;
/**
 * Units of OP_DERIVATIVES, blocks of rows: more than threads, so that a thread that joins late or runs colder
 * code takes fewer of them. Each row's derivatives are its own, so any split gives the same floats.
 */
export const DERIVATIVE_UNITS = 8;

/** What OP_DERIVATIVES reads and writes (rows × outputs, y: rows), in the memory every thread shares. */
export interface RoundRows {
  task: "regression" | "classification";
  classCount: number;
  y: Float64Array;
  scores: Float64Array;
  gradient: Float64Array;
  hessian: Float64Array;
  /**
   * Set (one output, every weight 1, two channels) when the trees read the derivatives as their channel values:
   * they are written there (LevelMemory.values, gradient and hessian of row i at 2·i and 2·i + 1) instead of to
   * gradient and hessian, so the tree's sample need not copy them (RowTargets' inValues).
   */
  toChannelValues?: boolean;
}

/**
 * LevelMemory with the round's rows; `derived`: the round whose derivatives the last addition of a tree's leaf
 * values to its scores computed in the same command (addHistTreeScores), until the round asks for them.
 */
export type RoundMemory = LevelMemory & { round?: RoundRows; derived?: RoundRows };

/** The workspace (HistWorkspace) as this file uses it: by shape, so that grow-tree.ts and this file do not import each other. */
export interface RowWork {
  readonly memory: LevelMemory;
  runOnRows(op: typeof OP_DERIVATIVES, arrays: Float64Array[]): void | Promise<void>;
}

/** OP_DERIVATIVES over the workspace's units (on its threads when the round's rows are shared memory). */
export function roundDerivatives(space: RowWork, round: RoundRows): void | Promise<void> {
  const memory: RoundMemory = space.memory;
  if (memory.derived === round) {
    memory.derived = undefined;
    return;
  }
  if (memory.round !== round) {
    memory.round = round;
    memory.version++;
  }
  return space.runOnRows(OP_DERIVATIVES, [round.y, round.scores, round.gradient, round.hessian]);
}

/** The derivatives of the rows of `unit`, one of `units` blocks of rows. */
export function unitDerivatives(memory: RoundMemory, unit: number, units: number): void {
  const { task, classCount, y, scores, gradient, hessian } = memory.round as RoundRows;
  const from = rowFrom(y.length, units, unit);
  const to = rowFrom(y.length, units, unit + 1);
  const pairs = scoreDerivatives(memory);
  if (pairs !== undefined) {
    derivativePairs(pairs.pair, scores, y, memory.values, from, to);
    return;
  }
  const objective = objectiveFor(task, classCount);
  const { outputs } = objective;
  objective.derivatives(
    scores.subarray(from * outputs, to * outputs),
    y.subarray(from, to),
    gradient.subarray(from * outputs, to * outputs),
    hessian.subarray(from * outputs, to * outputs),
  );
}

/**
 * The round's derivatives as a per-row pair written to the rows' channel values, when they go there and the
 * objective has one: what unitDerivatives writes, and what OP_SCORES with SCORES_THEN_DERIVATIVES computes for
 * each row as it adds the row's score (the same floats); undefined: the objective's derivatives, after the scores.
 */
export function scoreDerivatives(memory: RoundMemory): ScoreDerivatives | undefined {
  const { task, classCount, y, toChannelValues } = memory.round as RoundRows;
  const pair = toChannelValues ? objectiveFor(task, classCount).derivativePair : undefined;
  return pair === undefined ? undefined : { pair, y };
}
