// Worker-thread entry of the threaded executor (threaded-executor.ts): takes a fit's shared memory, then runs
// the units it claims of the work it is commanded (thread-work.ts) through the shared control array until it is
// released.
import { parentPort } from "node:worker_threads";
import type { LevelMemory } from "./level-work.js";
import { applyMemoryDelta } from "./memory-delta.js";
import { commandUnits, runUnit, splitPhaseUnits } from "./thread-work.js";
import {
  type AttachMessage,
  DONE,
  FAILED,
  GENERATION,
  HAND_OVER,
  HANDED,
  OP,
  RELEASE,
  runClaimedUnits,
  spinWhile,
} from "./threaded-executor.js";
import { writeUnitTimes } from "./unit-times.js";

// Test hook: "thread:unit" makes that worker exit with code 70 at the unit-th unit it claims (counted from its
// start).
const [exitThread, exitUnit] = (process.env.TABULA_TEST_HIST_WORKER_EXIT ?? "0:0").split(":").map(Number);
let claimed = 0;
// Test hook: "<max ms>" makes every worker wake late for each command it is woken for: between its read of the
// command's generation and of its op, it busy-waits a pseudo-random time below max ms (a fixed sequence per worker
// thread), so that it may read the op of a command published meanwhile (the race command() closes CLAIM against).
const lateWakeMs = Number(process.env.TABULA_TEST_HIST_WORKER_LATE_WAKE ?? 0);

/** A sleep at a two-phase command's barrier rechecks the command this often (should it have been abandoned). */
const BARRIER_WAIT_MS = 50;

/** The memory of the last attach message (see memory-delta.ts). */
let held: LevelMemory | undefined;

parentPort?.on("message", ({ control, thread, memory: delta, handover, after }: AttachMessage) => {
  const memory = applyMemoryDelta(delta, held) as LevelMemory;
  held = memory;
  const wakeLate = lateWakeMs > 0 ? lateWaker(lateWakeMs, thread) : undefined;
  parentPort?.postMessage("attached");
  /** Whether this memory is no longer the fit's: handed over since (the newer one waits in the queue), or released. */
  const over = (op: number) => {
    if (Atomics.load(control, HANDED) !== handover || op === HAND_OVER) return true;
    if (op !== RELEASE) return false;
    writeUnitTimes(thread);
    held = undefined;
    return true;
  };
  // The calling thread does not wait for this message to be taken: the fit may have gone on meanwhile.
  // A command published meanwhile is joined (its units still unclaimed), not waited out: the first after a
  // hand-over may be long (the fit's cut points: 32 units).
  let seen = Atomics.load(control, GENERATION);
  let joining = seen !== after;
  for (;;) {
    if (!joining) {
      if (!spinWhile(control, GENERATION, seen)) Atomics.wait(control, GENERATION, seen);
      seen = Atomics.load(control, GENERATION);
    }
    joining = false;
    wakeLate?.();
    const op = Atomics.load(control, OP);
    if (over(op)) return;
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

/** The late-wake hook's delay: busy-waits (a sleep would lose the race it is meant to widen) a seeded time. */
function lateWaker(maxMs: number, thread: number): () => void {
  let state = (0x9e3779b9 * thread) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const until = performance.now() + (state / 0x100000000) * maxMs;
    while (performance.now() < until);
  };
}
