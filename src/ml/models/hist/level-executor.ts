// Who runs a level's row work (thread-work.ts): the calling thread alone, or it and worker threads
// (threaded-executor.ts). The executor also allocates the memory the threads share.
import type { LevelMemory } from "./level-work.js";
import { runWork, type WorkOp } from "./thread-work.js";

export interface LevelExecutor {
  readonly threads: number;
  float64(length: number): Float64Array;
  float32(length: number): Float32Array;
  uint8(length: number): Uint8Array;
  uint32(length: number): Uint32Array;
  int32(length: number): Int32Array;
  /** Runs `op` on every thread; resolves when all are done. The memory may be new (see LevelMemory.version). */
  run(memory: LevelMemory, op: WorkOp): void | Promise<void>;
  /** Lets worker threads drop this fit's memory. */
  close(): void;
}

export const serialExecutor: LevelExecutor = {
  threads: 1,
  float64: (length) => new Float64Array(length),
  float32: (length) => new Float32Array(length),
  uint8: (length) => new Uint8Array(length),
  uint32: (length) => new Uint32Array(length),
  int32: (length) => new Int32Array(length),
  run: (memory, op) => runWork(memory, op),
  close() {},
};
