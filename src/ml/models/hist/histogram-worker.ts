// Worker-thread entry of the threaded executor (threaded-executor.ts): takes a fit's shared memory, then runs
// the level work it is commanded through the shared control array until it is released.
import { parentPort } from "node:worker_threads";
import { type LevelOp, runLevelWork } from "./level-work.js";
import { type AttachMessage, DONE, FAILED, GENERATION, OP, RELEASE } from "./threaded-executor.js";

parentPort?.on("message", ({ control, thread, memory }: AttachMessage) => {
  let seen = Atomics.load(control, GENERATION);
  parentPort?.postMessage("attached");
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    seen = Atomics.load(control, GENERATION);
    const op = Atomics.load(control, OP);
    if (op !== RELEASE) {
      try {
        runLevelWork(memory, op as LevelOp, thread);
      } catch (error) {
        console.error(error);
        Atomics.store(control, FAILED, 1);
      }
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
    if (op === RELEASE) return;
  }
});
