import { readdirSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { overlaps } from "../paths.js";
import type { StatCache } from "./stat-cache.js";
import { hashBytes, hashFile } from "./xxh3.js";

export interface FileEntry {
  /** Relative to the directory, POSIX. */
  path: string;
  hash: string;
  size: number;
}

/** What a dep or output is on disk right now. `size` of a directory is the sum of its files. */
export type PathState =
  | { kind: "file"; hash: string; size: number }
  | { kind: "dir"; hash: string; size: number; nfiles: number; entries: FileEntry[] };

/** A directory's hash covers its files' sorted relative paths and their hashes (empty directories do not count). */
export function directoryHash(entries: readonly FileEntry[]): string {
  let manifest = "";
  for (const entry of entries) manifest += `${entry.path}\0${entry.hash}\n`;
  return hashBytes(manifest);
}

const byPath = (a: FileEntry, b: FileEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Hashes deps and outputs relative to the pipeline root, through the stat cache, memoized within a run. */
export class Hasher {
  private readonly memo = new Map<string, PathState | null>();

  constructor(
    private readonly root: string,
    private readonly statCache: StatCache,
  ) {}

  /** The state of `path`, or null when it does not exist. */
  state(path: string): PathState | null {
    const memoized = this.memo.get(path);
    if (memoized !== undefined) return memoized;
    const state = this.compute(path);
    this.memo.set(path, state);
    return state;
  }

  /** Forget what we know about paths a stage may just have written (and anything overlapping them). */
  invalidate(paths: readonly string[]): void {
    for (const key of this.memo.keys()) {
      if (paths.some((path) => overlaps(key, path))) this.memo.delete(key);
    }
    this.statCache.startNewEpoch();
  }

  private compute(path: string): PathState | null {
    const absolute = join(this.root, path);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (!stats) return null;
    if (!stats.isDirectory()) {
      return { kind: "file", hash: this.fileHash(path, absolute, stats), size: stats.size };
    }
    const entries: FileEntry[] = [];
    const pending: string[] = [""];
    for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
      for (const dirent of readdirSync(join(absolute, relative), { withFileTypes: true })) {
        const child = relative === "" ? dirent.name : `${relative}/${dirent.name}`;
        if (dirent.isDirectory()) {
          pending.push(child);
          continue;
        }
        const childAbsolute = join(absolute, child);
        const childStats = statSync(childAbsolute, { throwIfNoEntry: false });
        if (!childStats) continue; // a dangling symlink, or deleted while we walked
        if (childStats.isDirectory()) {
          pending.push(child);
        } else {
          const hash = this.fileHash(`${path}/${child}`, childAbsolute, childStats);
          entries.push({ path: child, hash, size: childStats.size });
        }
      }
    }
    entries.sort(byPath);
    let size = 0;
    for (const entry of entries) size += entry.size;
    return { kind: "dir", hash: directoryHash(entries), size, nfiles: entries.length, entries };
  }

  private fileHash(key: string, absolute: string, stats: Stats): string {
    const cached = this.statCache.lookup(key, stats);
    if (cached !== undefined) return cached;
    const clock = this.statCache.clockBeforeRead();
    const { hash } = hashFile(absolute);
    const after = statSync(absolute, { throwIfNoEntry: false });
    // Only remember the hash if the file did not change while we read it.
    if (after && after.ino === stats.ino && after.size === stats.size && after.mtimeMs === stats.mtimeMs) {
      this.statCache.record(key, after, clock, hash);
    }
    return hash;
  }
}
