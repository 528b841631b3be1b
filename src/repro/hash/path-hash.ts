import { readdirSync, type Stats, statSync } from "node:fs";
import { overlaps } from "../paths.js";
import { quickDigest } from "./quick-digest.js";
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

/**
 * A directory's hash covers its files' relative paths and their hashes, in the canonical walk order (depth-first,
 * names sorted); empty directories do not count.
 */
export function directoryHash(entries: readonly FileEntry[]): string {
  let manifest = "";
  for (const entry of entries) manifest += `${entry.path}\0${entry.hash}\n`;
  return hashBytes(manifest);
}

/** Recognises a directory listing (paths and file hashes) the stat cache has seen. */
function listingDigest(entries: readonly FileEntry[]): string {
  let listing = "";
  for (const entry of entries) listing += `${entry.path}\0${entry.hash}\n`;
  return quickDigest(listing);
}

interface Walk {
  entries: FileEntry[];
  size: number;
  allCached: boolean;
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
      return { kind: "file", hash: this.fileHash(path, absolute, stats).hash, size: stats.size };
    }
    const walk: Walk = {
      entries: [],
      size: 0,
      allCached: true,
      seen: new Set([`${stats.dev}:${stats.ino}`]),
    };
    this.walk(path, absolute, "", walk);
    const { entries } = walk;
    // When every file answered from the stat cache and the listing is the one recorded, the directory hash is
    // too: no manifest to build and hash (and no native hash module to load) on a no-op.
    const listing = listingDigest(entries);
    const known = walk.allCached ? this.statCache.directory(path) : undefined;
    const hash =
      known && known.nfiles === entries.length && known.listing === listing
        ? known.hash
        : directoryHash(entries);
    this.statCache.recordDirectory(path, { nfiles: entries.length, listing, hash });
    return { kind: "dir", hash, size: walk.size, nfiles: entries.length, entries };
  }

  /** Depth-first, names sorted at each level: a canonical order, whatever order the filesystem lists them in. */
  private walk(path: string, absolute: string, relative: string, into: Walk): void {
    const dir = relative === "" ? absolute : `${absolute}/${relative}`;
    for (const name of readdirSync(dir).sort()) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const childAbsolute = `${dir}/${name}`;
      const childStats = statSync(childAbsolute, { throwIfNoEntry: false });
      if (!childStats) continue; // a dangling symlink, or deleted while we walked
      if (childStats.isDirectory()) {
        // A symlink back to an ancestor would otherwise be walked forever.
        const id = `${childStats.dev}:${childStats.ino}`;
        if (!into.seen.has(id)) {
          into.seen.add(id);
          this.walk(path, absolute, child, into);
        }
        continue;
      }
      const { hash, cached } = this.fileHash(`${path}/${child}`, childAbsolute, childStats);
      if (!cached) into.allCached = false;
      into.entries.push({ path: child, hash, size: childStats.size });
      into.size += childStats.size;
    }
  }

  private fileHash(key: string, absolute: string, stats: Stats): { hash: string; cached: boolean } {
    const cached = this.statCache.lookup(key, stats);
    if (cached !== undefined) return { hash: cached, cached: true };
    const clock = this.statCache.clockBeforeRead();
    const { hash } = hashFile(absolute);
    const after = statSync(absolute, { throwIfNoEntry: false });
    // Only remember the hash if the file did not change while we read it.
    if (after && after.ino === stats.ino && after.size === stats.size && after.mtimeMs === stats.mtimeMs) {
      this.statCache.record(key, after, clock, hash);
    }
    return { hash, cached: false };
  }
}
