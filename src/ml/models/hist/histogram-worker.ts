// Worker-thread entry of the threaded executor (threaded-executor.ts): takes a fit's shared memory, then runs
// its units of the work it is commanded (thread-work.ts) through the shared control array until it is released.
import { parentPort } from "node:worker_threads";
import { runWork, type WorkOp } from "./thread-work.js";
import { type AttachMessage, DONE, FAILED, GENERATION, OP, RELEASE } from "./threaded-executor.js";

// Test hook: "thread:command" makes that worker exit with code 70 at its command-th command (counted from its start).
const [exitThread, exitCommand] = (process.env.TABULA_TEST_HIST_WORKER_EXIT ?? "0:0").split(":").map(Number);
let commands = 0;

parentPort?.on("message", ({ control, thread, threads, memory }: AttachMessage) => {
  let seen = Atomics.load(control, GENERATION);
  parentPort?.postMessage("attached");
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    const op = Atomics.load(control, OP);
    if (thread === exitThread && ++commands === exitCommand) process.exit(70);
    if (op !== RELEASE) {
      try {
        runWork(memory, op as WorkOp, thread, threads);
      } catch (error) {
        console.error(error);
        Atomics.store(control, FAILED, thread);
      }
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    if (op === RELEASE) return;
  }
});
