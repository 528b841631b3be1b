import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";

/**
 * The filesystem's current time, at the filesystem's own timestamp granularity: the mtime of a probe file written
 * now. Caches keyed by a file's stat (the stat cache, the spec cache) record it *before* reading the file and
 * trust an entry only if the file's mtime is strictly older (git's racy-timestamp rule): any write after the
 * probe gets an mtime >= the probe's, so a change in the same tick as the recorded stat can never go unnoticed.
 */
export function readFsClock(paths: ReproDir): number {
  ensureReproDir(paths);
  const probe = join(paths.tmp, "clock");
  writeFileSync(probe, "");
  return statSync(probe).mtimeMs;
}

/** The part of a stat that changes when a file's content may have: [inode, size, mtimeMs, ctimeMs]. */
export type StatKey = [number, number, number, number];

export function statKey(stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): StatKey {
  return [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs];
}

/** A recorded stat is still trustworthy: same stat, and not racy. */
export function trusted(recorded: StatKey, clockMs: number, now: StatKey): boolean {
  return (
    recorded[0] === now[0] &&
    recorded[1] === now[1] &&
    recorded[2] === now[2] &&
    recorded[3] === now[3] &&
    now[2] < clockMs
  );
}
