// Worker-thread entry of the threaded executor (threaded-executor.ts): takes a fit's shared memory, then runs
// the units it claims of the work it is commanded (thread-work.ts) through the shared control array until it is
// released.
import { parentPort } from "node:worker_threads";
import { commandUnits, runUnit, splitPhaseUnits } from "./thread-work.js";
import {
  type AttachMessage,
  DONE,
  FAILED,
  GENERATION,
  OP,
  RELEASE,
  runClaimedUnits,
  spinWhile,
} from "./threaded-executor.js";

// Test hook: "thread:unit" makes that worker exit with code 70 at the unit-th unit it claims (counted from its
// start).
const [exitThread, exitUnit] = (process.env.TABULA_TEST_HIST_WORKER_EXIT ?? "0:0").split(":").map(Number);
let claimed = 0;

/** A sleep at a two-phase command's barrier rechecks the command this often (should it have been abandoned). */
const BARRIER_WAIT_MS = 50;

parentPort?.on("message", ({ control, thread, memory }: AttachMessage) => {
  let seen = Atomics.load(control, GENERATION);
  parentPort?.postMessage("attached");
  for (;;) {
    if (!spinWhile(control, GENERATION, seen)) Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    const op = Atomics.load(control, OP);
    if (op === RELEASE) return;
    const generation = seen;
    const atBarrier = (done: number) => {
      if (!spinWhile(control, DONE, done)) Atomics.wait(control, DONE, done, BARRIER_WAIT_MS);
      return Atomics.load(control, GENERATION) === generation;
    };
    runClaimedUnits(
      control,
      seen,
      commandUnits(op, memory.threads),
      splitPhaseUnits(op, memory.threads),
      (op, unit) => {
        if (thread === exitThread && ++claimed === exitUnit) process.exit(70);
        try {
          runUnit(memory, op, unit);
        } catch (error) {
          console.error(error);
          Atomics.store(control, FAILED, thread);
        }
      },
      atBarrier,
    );
  }
});
