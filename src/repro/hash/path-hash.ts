import { readdirSync, type Stats, statSync } from "node:fs";
import { overlaps } from "../paths.js";
import type { FileStat, StatCache } from "./stat-cache.js";
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

/**
 * A directory's hash covers its files' relative paths and their hashes, in the canonical walk order (depth-first,
 * names sorted); empty directories do not count.
 */
export function directoryHash(entries: readonly FileEntry[]): string {
  let manifest = "";
  for (const entry of entries) manifest += `${entry.path}\0${entry.hash}\n`;
  return hashBytes(manifest);
}

interface Walk {
  /** Plain records, not fs.Stats: retaining 10,000 Stats objects through a walk cost ~20 ms more in scavenges. */
  files: ({ path: string } & FileStat)[];
  /** Relative paths joined by NUL, as the stat cache stores them. */
  names: string;
  size: number;
  /** Directories walked, by device and inode. */
  seen: Set<string>;
}

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
    const absolute = `${this.root}/${path}`;
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (!stats) return null;
    if (!stats.isDirectory()) {
      return { kind: "file", hash: this.fileHash(path, absolute, stats), size: stats.size };
    }
    const walk: Walk = { files: [], names: "", size: 0, seen: new Set([`${stats.dev}:${stats.ino}`]) };
    this.walk(absolute, "", walk);
    const { files } = walk;
    const record = this.statCache.directory(path);
    // The no-op case: the same files in the same order, none touched. No hashing, and no entry objects unless
    // someone asks for them.
    if (record && record.names === walk.names && files.every((file, index) => record.trusted(index, file))) {
      let entries: FileEntry[] | undefined;
      return {
        kind: "dir",
        hash: record.hash,
        size: walk.size,
        nfiles: files.length,
        get entries() {
          entries ??= files.map((file, index) => ({
            path: file.path,
            hash: record.fileHash(index),
            size: file.size,
          }));
          return entries;
        },
      };
    }
    const samePositions = record?.names === walk.names;
    const hashed = files.map((file, index) => {
      const known = record && (samePositions ? index : record.indexOf(file.path));
      if (record && known !== undefined && record.trusted(known, file)) {
        return { ...file, hash: record.fileHash(known), clockMs: record.clockMs(known) };
      }
      const clockMs = this.statCache.clockBeforeRead();
      const { hash } = hashFile(`${absolute}/${file.path}`);
      const after = statSync(`${absolute}/${file.path}`, { throwIfNoEntry: false });
      const unchanged = after?.ino === file.ino && after.size === file.size && after.mtimeMs === file.mtimeMs;
      return { ...file, hash, clockMs: unchanged ? clockMs : 0 };
    });
    const entries = hashed.map((file) => ({ path: file.path, hash: file.hash, size: file.size }));
    const hash = directoryHash(entries);
    this.statCache.recordDirectory(path, hash, hashed);
    return { kind: "dir", hash, size: walk.size, nfiles: entries.length, entries };
  }

  /** Depth-first, names sorted at each level: a canonical order, whatever order the filesystem lists them in. */
  private walk(absolute: string, relative: string, into: Walk): void {
    const dir = relative === "" ? absolute : `${absolute}/${relative}`;
    for (const name of readdirSync(dir).sort()) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const childStats = statSync(`${dir}/${name}`, { throwIfNoEntry: false });
      if (!childStats) continue; // a dangling symlink, or deleted while we walked
      if (childStats.isDirectory()) {
        // A symlink back to an ancestor would otherwise be walked forever.
        const id = `${childStats.dev}:${childStats.ino}`;
        if (!into.seen.has(id)) {
          into.seen.add(id);
          this.walk(absolute, child, into);
        }
        continue;
      }
      into.names += into.files.length === 0 ? child : `\0${child}`;
      const { ino, size, mtimeMs, ctimeMs } = childStats;
      into.files.push({ path: child, ino, size, mtimeMs, ctimeMs });
      into.size += childStats.size;
    }
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
