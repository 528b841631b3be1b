// Who runs a level's row work (level-work.ts): the calling thread alone, or it and worker threads
// (threaded-executor.ts). The executor also allocates the memory the threads share.
import { type LevelMemory, type LevelOp, runLevelWork } from "./level-work.js";

export interface LevelExecutor {
  readonly threads: number;
  float64(length: number): Float64Array;
  uint32(length: number): Uint32Array;
  int32(length: number): Int32Array;
  /** Runs `op` on every thread; resolves when all are done. The memory's plan or histograms may be new. */
  run(memory: LevelMemory, op: LevelOp): void | Promise<void>;
  /** Lets worker threads drop this fit's memory. */
  close(): void;
}

export const serialExecutor: LevelExecutor = {
  threads: 1,
  float64: (length) => new Float64Array(length),
  uint32: (length) => new Uint32Array(length),
  int32: (length) => new Int32Array(length),
  run: (memory, op) => runLevelWork(memory, op, 0),
  close() {},
};
