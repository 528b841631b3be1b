// A level's row work on the calling thread and threads − 1 worker threads at once. Every thread reads and writes
// the same SharedArrayBuffers; a run is a command in a small shared control array: the workers sleep in
// Atomics.wait on it, so a level costs no message round trip (and no event-loop turn) on either side. A
// command's units (thread-work.ts) go to whichever thread claims them first, the calling thread included: a
// worker that the machine's scheduler has not yet run (other processes share the cores) leaves its unit to the
// calling thread instead of making it wait. A unit is the same work whoever runs it, so the model is the same.
//
// Workers live for the whole process (starting one costs tens of milliseconds, more under tsx). Between fits
// they wait for messages on their event loop, unreferenced so they never keep the process alive; during a fit
// they sit in the command loop (histogram-worker.ts) until close() releases them.
import type { Worker } from "node:worker_threads";
import { MlFailure } from "../../errors.js";
import { startWorker } from "../worker-thread.js";
import type { LevelExecutor } from "./level-executor.js";
import type { LevelMemory } from "./level-work.js";
import { memoryDelta, memoryLayout } from "./memory-delta.js";
import { commandUnits, runUnit, splitPhaseUnits, type WorkOp } from "./thread-work.js";
import { recordCommand, sharedClock, timingUnits } from "./unit-times.js";

/** Slots of the control array. */
export const GENERATION = 0;
export const OP = 1;
/** Units of the current command done. */
export const DONE = 2;
export const FAILED = 3;
/** The current command's generation (its low 23 bits, shifted left by 8) and its next unclaimed unit. */
export const CLAIM = 4;
/**
 * The number of the fit's last hand-over of memory: a worker whose memory is older runs no unit (it goes back to
 * its event loop, where the newer memory waits).
 */
export const HANDED = 5;
const CLAIM_UNIT = 0xff;
const claimTag = (generation: number) => (generation & 0x7fffff) << 8;
/** The command that sends the workers back to their event loop for good: the fit is over (they drop its memory). */
export const RELEASE = -1;
/** The command that sends the workers back to their event loop to take new memory of the same fit. */
export const HAND_OVER = -2;

export interface AttachMessage {
  control: Int32Array;
  thread: number;
  threads: number;
  /** The fit's LevelMemory as a delta (memory-delta.ts) from the worker's last attach message. */
  memory: unknown;
  /** Its hand-over's number (control[HANDED] while it is the fit's memory). */
  handover: number;
  /** The generation when it was sent: a RELEASE or HAND_OVER after it ends its use. */
  after: number;
}

/**
 * Runs the units of the command of `generation` that no thread has claimed yet, one at a time, until none is
 * left (or the command is over); `run` does one. Units from `phase` on (a two-phase command's second phase) wait
 * until the units before are all done: in `wait` when given (which returns false when the command is over),
 * else this returns (the calling thread waits with its own checks, then calls again).
 */
export function runClaimedUnits(
  control: Int32Array,
  generation: number,
  units: number,
  phase: number,
  run: (op: WorkOp, unit: number) => void,
  wait?: (done: number) => boolean,
): void {
  const tag = claimTag(generation);
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    const unit = word & CLAIM_UNIT;
    if (word - unit !== tag || unit >= units) return;
    if (unit >= phase) {
      const done = Atomics.load(control, DONE);
      if (done < phase) {
        if (wait === undefined || !wait(done)) return;
        continue;
      }
    }
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
    // Stable while this unit is not done: the next command cannot start before.
    run(Atomics.load(control, OP) as WorkOp, unit);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * How long a thread polls a control slot before it sleeps in Atomics.wait: most commands take well under a
 * millisecond, and a futex wake-up costs tens of microseconds on top of them (more when the woken thread was
 * descheduled).
 */
export const SPIN_MS = 0.05;

/** Polls control[slot] for up to SPIN_MS; true when it no longer holds `value`. */
export function spinWhile(control: Int32Array, slot: number, value: number): boolean {
  const until = performance.now() + SPIN_MS;
  for (;;) {
    for (let i = 0; i < 64; i++) if (Atomics.load(control, slot) !== value) return true;
    if (performance.now() > until) return false;
  }
}

/** A worker that stops answering for this long is taken for dead. */
const ANSWER_TIMEOUT_MS = 120_000;
/**
 * How long the calling thread blocks in Atomics.wait before it waits asynchronously instead. A worker's 'exit'
 * event can only be delivered on the event loop, so a dead worker is noticed about this long after it died.
 */
const BLOCKING_WAIT_MS = 200;
const WAIT_SLICE_MS = 100;

interface PoolThread {
  worker: Worker;
  waiting?: { resolve: () => void; reject: (error: Error) => void };
  /** Whether the worker has answered a message: it is running (under tsx its start takes ~0.3 s). */
  started?: boolean;
  /** Why the worker is gone (set from its 'exit' or 'error' event). */
  gone?: string;
  /** The control array of the fit it last joined: woken when the worker is gone. */
  control?: Int32Array;
  /** That fit's memory layout as last sent (the worker holds its arrays). */
  sent?: unknown;
}

const pool: (PoolThread | undefined)[] = [];

/** Room for several fits' code and garbage before a worker's first full GC (see worker-thread.ts). */
const WORKER_OLD_GENERATION_MB = 64;

/**
 * Counters over every threaded fit of the process, for benchmarks: commands run, the milliseconds the calling
 * thread spent waiting for the workers after doing its own share, the milliseconds from a command's start to its
 * end (the rest of a fit is the calling thread's alone, the workers waiting), and the times the workers were
 * handed new memory (a message round trip each).
 */
export const threadedStats = { commands: 0, idleMs: 0, commandMs: 0, attaches: 0 };

/** CPU microseconds (user + system) of each live pool worker so far, for benchmarks. */
export async function poolCpuMicros(): Promise<number[]> {
  return Promise.all(
    pool.map(async (thread) => {
      if (thread === undefined || thread.gone !== undefined) return 0;
      // The answer comes through the event loop, which an unreferenced worker alone does not keep alive.
      const alive = setTimeout(() => {}, ANSWER_TIMEOUT_MS);
      const used = await thread.worker.cpuUsage();
      clearTimeout(alive);
      return used.user + used.system;
    }),
  );
}

/**
 * The end of the last fit that took the pool: its threads serve one fit at a time (a worker sits in one fit's
 * command loop until that fit releases it, so two fits commanding them at once both waited forever).
 */
let poolFree: Promise<void> = Promise.resolve();

/** An executor over the pool's threads, once no other fit holds them; close() hands them on. */
export async function threadedExecutor(threads: number): Promise<LevelExecutor> {
  let handOn = () => {};
  const before = poolFree;
  poolFree = new Promise((resolve) => {
    handOn = resolve;
  });
  await before;
  const workers = Array.from({ length: threads - 1 }, (_, w) => poolThread(w));
  const control = new Int32Array(new SharedArrayBuffer(6 * Int32Array.BYTES_PER_ELEMENT));
  let generation = 0;
  let handovers = 0;
  let attached: { memory: LevelMemory; version: number } | undefined;
  let commands = 0;
  // Test hook: "<ms>" makes the calling thread busy-wait that long between publishing a command's op and opening
  // its CLAIM, as if descheduled there: a worker that wakes late (TABULA_TEST_HIST_WORKER_LATE_WAKE) can then read
  // the new op while CLAIM is still the last command's.
  const publishPauseMs = Number(process.env.TABULA_TEST_HIST_PUBLISH_PAUSE ?? 0);

  /** Publishes a command (of memory.threads units; none for RELEASE and HAND_OVER). */
  const command = (op: number) => {
    commands++;
    threadedStats.commands++;
    // The last command closed before its op is overwritten: a worker that woke for it late may read the new op
    // (and so the new op's unit count) while CLAIM still holds the last command's tag; with more units in the new
    // op, it would claim a unit past the last command's end and run it with the new plan, and that unit would be
    // claimed again once CLAIM is reset (a block partitioned twice: wrong children). Closed, it claims nothing.
    Atomics.store(control, CLAIM, claimTag(generation) + CLAIM_UNIT);
    generation++;
    Atomics.store(control, DONE, 0);
    Atomics.store(control, OP, op);
    if (publishPauseMs > 0)
      for (const until = performance.now() + publishPauseMs; performance.now() < until; );
    Atomics.store(control, CLAIM, claimTag(generation) + (op < 0 ? CLAIM_UNIT : 0));
    Atomics.store(control, GENERATION, generation);
    Atomics.notify(control, GENERATION);
    // A worker may still sleep at the last command's phase barrier (that command failed): it rechecks.
    Atomics.notify(control, DONE);
  };
  /** Waits until `units` units of the command are done (the workers' included). */
  const awaitWorkers = async (units: number) => {
    const start = performance.now();
    for (let done = Atomics.load(control, DONE); done < units; done = Atomics.load(control, DONE)) {
      const failed = Atomics.load(control, FAILED);
      if (failed !== 0) throw failure(failed, "failed (see stderr)");
      throwIfGone();
      const waited = performance.now() - start;
      if (waited > ANSWER_TIMEOUT_MS) throw failure(0, `stopped answering (${ANSWER_TIMEOUT_MS} ms)`);
      if (waited < BLOCKING_WAIT_MS) {
        if (!spinWhile(control, DONE, done)) Atomics.wait(control, DONE, done, WAIT_SLICE_MS);
      } else {
        // A pending waitAsync alone keeps no process alive (and a dead worker no longer does); the timer outlasts
        // the wait, whose timeout is not a timer of the event loop.
        const alive = setTimeout(() => {}, 10 * WAIT_SLICE_MS);
        await Atomics.waitAsync(control, DONE, done, WAIT_SLICE_MS).value;
        clearTimeout(alive);
      }
    }
    threadedStats.idleMs += performance.now() - start;
  };
  // Does not wait for the workers to leave their command loop: a worker takes its next attach message only
  // after it has (and with HAND_OVER the commands that follow are for the memory that message brings).
  const release = (op: typeof RELEASE | typeof HAND_OVER = RELEASE) => {
    if (attached === undefined) return;
    attached = undefined;
    command(op);
    if (op === RELEASE) for (const thread of workers) thread.sent = undefined;
  };
  const throwIfGone = () => {
    const gone = workers.findIndex((thread) => thread.gone !== undefined);
    if (gone >= 0) throw failure(gone + 1, workers[gone]?.gone ?? "");
  };
  /** `thread` 0: not known which. */
  const failure = (thread: number, what: string) => {
    const during = commands;
    // The fit is over: the surviving workers go back to their event loop.
    release();
    return new MlFailure({
      kind: "worker-thread",
      thread,
      message: `${thread > 0 ? `histogram worker ${thread}` : "a histogram worker"} ${what} during level command ${during}`,
    });
  };
  const attach = async (memory: LevelMemory) => {
    threadedStats.attaches++;
    release(HAND_OVER);
    throwIfGone();
    const handover = ++handovers;
    Atomics.store(control, HANDED, handover);
    const layout = memoryLayout(memory);
    // Only a worker's first message is waited for (its start). Later ones are not: the commands go on at once, a
    // worker joins them once it has taken the memory, and runs nothing with an older one (HANDED): a message round
    // trip was 0.4–17 ms of the calling thread's time at each hand-over.
    const asked = await Promise.allSettled(
      workers.map((thread, w) => {
        // The worker takes its messages in order: what it holds is what the last one sent to it (this fit's, or
        // another fit's, which shares no array with this one).
        const delta = thread.control === control ? memoryDelta(memory, thread.sent) : memory;
        thread.sent = layout;
        const message = { control, thread: w + 1, threads, memory: delta, handover, after: generation };
        const answered = ask(thread, message satisfies AttachMessage);
        if (thread.started) answered.catch(() => {}); // a worker that dies is noticed by awaitWorkers
        return thread.started ? undefined : answered;
      }),
    );
    attached = { memory, version: memory.version };
    const refused = asked.findIndex((answer) => answer.status === "rejected");
    if (refused >= 0)
      throw failure(refused + 1, String((asked[refused] as PromiseRejectedResult).reason?.message));
  };

  return {
    threads,
    float64: (length) => new Float64Array(new SharedArrayBuffer(length * 8)),
    float32: (length) => new Float32Array(new SharedArrayBuffer(length * 4)),
    uint8: (length) => new Uint8Array(new SharedArrayBuffer(length)),
    uint32: (length) => new Uint32Array(new SharedArrayBuffer(length * 4)),
    int32: (length) => new Int32Array(new SharedArrayBuffer(length * 4)),
    async run(memory: LevelMemory, op: WorkOp) {
      if (attached?.memory !== memory || attached.version !== memory.version) await attach(memory);
      const started = performance.now();
      const clockStart = timingUnits ? sharedClock() : 0;
      let ownUnitsMs = 0;
      command(op);
      const units = commandUnits(op, memory.threads);
      const phase = splitPhaseUnits(op, memory.threads);
      for (;;) {
        const claiming = timingUnits ? sharedClock() : 0;
        runClaimedUnits(control, generation, units, phase, (claimed, unit) => runUnit(memory, claimed, unit));
        if (timingUnits) ownUnitsMs += sharedClock() - claiming;
        const claim = Atomics.load(control, CLAIM) & CLAIM_UNIT;
        if (claim >= units) break;
        // At the second phase's barrier: until the first phase is done, not until one more unit is (which, read
        // once the first phase was done, was a second-phase unit: meanwhile the worker took them all).
        await awaitWorkers(phase);
      }
      await awaitWorkers(units);
      threadedStats.commandMs += performance.now() - started;
      if (timingUnits) recordCommand(op, clockStart, sharedClock(), ownUnitsMs);
    },
    close: () => {
      release();
      handOn();
    },
  };
}

/** Sends `message`; resolves when the worker has taken it (and is about to enter its command loop). */
function ask(thread: PoolThread, message: AttachMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (thread.gone !== undefined) return reject(new Error(thread.gone));
    thread.waiting = { resolve, reject };
    thread.control = message.control;
    thread.worker.ref();
    thread.worker.postMessage(message);
  });
}

function poolThread(index: number): PoolThread {
  const existing = pool[index];
  if (existing !== undefined) return existing;
  // Bundled as dist/histogram-worker.js (see scripts/build.mjs).
  const thread: PoolThread = {
    worker: startWorker(import.meta.url, "histogram-worker", {
      initialOldGenerationMb: WORKER_OLD_GENERATION_MB,
    }),
  };
  thread.worker.unref();
  thread.worker.on("message", () => {
    thread.started = true;
    thread.worker.unref();
    thread.waiting?.resolve();
    thread.waiting = undefined;
  });
  const stopThread = (error: Error) => {
    if (pool[index] === thread) pool[index] = undefined;
    thread.gone ??= error.message;
    if (thread.control !== undefined) Atomics.notify(thread.control, DONE);
    thread.waiting?.reject(error);
    thread.waiting = undefined;
  };
  thread.worker.on("error", (error) => stopThread(new Error(`threw ${error.message}`)));
  thread.worker.on("exit", (code) => stopThread(new Error(`exited with code ${code}`)));
  pool[index] = thread;
  return thread;
}
