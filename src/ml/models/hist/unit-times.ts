// Opt-in timing of the histogram learners' threaded work, for bench/hist-unit-times.ts: with
// TABULA_HIST_UNIT_TIMES=<path prefix> in the environment (read once, by every thread), each thread records every
// unit it runs (thread-work.ts) and the calling thread every command (threaded-executor.ts), and writes them to
// <prefix>.<thread>.json: the calling thread (0) when the process exits, a worker when a fit releases it. Finding
// where a threaded fit loses time needs each thread's units side by side: a CPU profile shows functions, not
// which thread waited for which. Off, it costs one check per unit.
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const prefix = process.env.TABULA_HIST_UNIT_TIMES;

/** A file's contents: flat records, times in milliseconds on one clock for every thread. */
export interface UnitTimesFile {
  /** Per unit run: op, unit, start, end. */
  units: number[];
  /** Per command (calling thread only): op, start, end, the calling thread's milliseconds in its own units. */
  commands: number[];
}

const recorded: UnitTimesFile | undefined = prefix === undefined ? undefined : { units: [], commands: [] };

/** Milliseconds on a clock every thread of the process shares. */
export const sharedClock = () => performance.timeOrigin + performance.now();

/** Whether units are timed (then call recordUnit and recordCommand). */
export const timingUnits = recorded !== undefined;

export function recordUnit(op: number, unit: number, start: number, end: number): void {
  recorded?.units.push(op, unit, start, end);
}

export function recordCommand(op: number, start: number, end: number, ownUnitsMs: number): void {
  recorded?.commands.push(op, start, end, ownUnitsMs);
}

/** Writes this thread's records so far (thread: 0 for the calling thread, else the worker's number). */
export function writeUnitTimes(thread: number): void {
  if (recorded !== undefined) writeFileSync(`${prefix}.${thread}.json`, JSON.stringify(recorded));
}

if (recorded !== undefined && isMainThread) process.on("exit", () => writeUnitTimes(0));
