// The per-row work of a boosting round, spread over the units (row blocks) like a level's (thread-work.ts):
//   OP_DERIVATIVES: each unit fills the gradient and hessian of its rows at the current scores;
//   OP_SAMPLE_SUMS: each unit samples its rows (OP_SAMPLE, level-work.ts) and sums them (sumRows), the root's
//     sums; the calling thread adds the units' sums in unit order (the same floats on any thread count).
// Plan of OP_SAMPLE_SUMS: [units × end of the unit's sampled rows, padded to even], then per unit its sums as
// floats: A (outputs), B.
import { objectiveFor } from "../gbt-objective.js";
import type { HistWorkspace } from "./grow-tree.js";
import { type LevelMemory, OP_SAMPLE, rowFrom, runLevelWork, sumRows } from "./level-work.js";

export const OP_SAMPLE_SUMS = 18;
export const OP_DERIVATIVES = 19;

/** What OP_DERIVATIVES reads and writes (rows × outputs, y: rows), in the memory every thread shares. */
export interface RoundRows {
  task: "regression" | "classification";
  classCount: number;
  y: Float64Array;
  scores: Float64Array;
  gradient: Float64Array;
  hessian: Float64Array;
}

/** LevelMemory with the round's rows. */
export type RoundMemory = LevelMemory & { round?: RoundRows };

const even = (n: number) => n + (n % 2);

/** Ints an OP_SAMPLE_SUMS plan takes. */
export function sampleSumsPlanLength(units: number, outputs: number): number {
  return even(units) + 2 * units * (outputs + 1);
}

function sums(plan: Int32Array, units: number): Float64Array {
  const at = plan.byteOffset + 4 * even(units);
  return new Float64Array(plan.buffer, at, (plan.length - even(units)) >> 1);
}

export function sampleAndSum(memory: LevelMemory, unit: number): void {
  runLevelWork(memory, OP_SAMPLE, unit);
  const { index, plan, rows, threads: units } = memory;
  const { outputs, weightedA, weightedB } = memory.targets as NonNullable<LevelMemory["targets"]>;
  const out = sums(plan, units).subarray(unit * (outputs + 1), (unit + 1) * (outputs + 1));
  const own = Int32Array.of(rowFrom(rows, units, unit), plan[unit] as number);
  out[outputs] = sumRows(index, own, weightedA, weightedB, outputs, out.subarray(0, outputs));
}

/** The root's sums after OP_SAMPLE_SUMS: A into `a`, B returned; units added in unit order. */
export function rootSums(plan: Int32Array, units: number, a: Float64Array): number {
  const outputs = a.length;
  const f = sums(plan, units);
  a.fill(0);
  let b = 0;
  for (let u = 0; u < units; u++) {
    const at = u * (outputs + 1);
    for (let d = 0; d < outputs; d++) a[d] = (a[d] as number) + (f[at + d] as number);
    b += f[at + outputs] as number;
  }
  return b;
}

/** OP_DERIVATIVES over the workspace's units (on its threads when the round's rows are shared memory). */
export function roundDerivatives(space: HistWorkspace, round: RoundRows): void | Promise<void> {
  const memory: RoundMemory = space.memory;
  if (memory.round !== round) {
    memory.round = round;
    memory.version++;
  }
  return space.runOnRows(OP_DERIVATIVES, [round.y, round.scores, round.gradient, round.hessian]);
}

export function unitDerivatives(memory: RoundMemory, unit: number): void {
  const { task, classCount, y, scores, gradient, hessian } = memory.round as RoundRows;
  const objective = objectiveFor(task, classCount);
  const { outputs } = objective;
  const from = rowFrom(y.length, memory.threads, unit);
  const to = rowFrom(y.length, memory.threads, unit + 1);
  objective.derivatives(
    scores.subarray(from * outputs, to * outputs),
    y.subarray(from, to),
    gradient.subarray(from * outputs, to * outputs),
    hessian.subarray(from * outputs, to * outputs),
  );
}
