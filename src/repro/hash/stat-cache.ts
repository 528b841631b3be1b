import { existsSync, readFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write.js";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";
import { readFsClock } from "./fs-clock.js";

/** [inode, size, mtimeMs, ctimeMs, fsClockMs, hash] */
type Entry = [number, number, number, number, number, string];

/** A directory seen with every file answered from the cache: [nfiles, listing digest, directory hash]. */
type DirectoryEntry = [number, string, string];

interface StatCacheFile {
  version: 3;
  entries: Record<string, Entry>;
  directories: Record<string, DirectoryEntry>;
}

/**
 * Remembers file hashes by (inode, size, mtime, ctime) so unchanged files are not reread.
 *
 * Racy timestamps (as in git's racy-git rule): a file changed again within the same timestamp tick as the stat we
 * recorded would look unchanged. Each entry therefore stores the filesystem's clock as read *before* the file's
 * content was read (see fs-clock.ts); an entry is trusted only if the file's mtime is strictly older than that
 * clock. Any later write to the file gets an mtime >= the clock and so a different stat.
 */
export class StatCache {
  private entries: Record<string, Entry>;
  private dirty = false;
  private clockMs: number | undefined;

  private constructor(
    private readonly paths: ReproDir,
    entries: Record<string, Entry>,
    private readonly directories: Record<string, DirectoryEntry>,
  ) {
    this.entries = entries;
  }

  static load(paths: ReproDir): StatCache {
    try {
      const parsed = JSON.parse(readFileSync(paths.statCache, "utf8")) as StatCacheFile;
      if (parsed.version === 3 && parsed.entries && parsed.directories) {
        return new StatCache(paths, parsed.entries, parsed.directories);
      }
    } catch {
      // Missing or unreadable: it is only a cache.
    }
    return new StatCache(paths, Object.create(null), Object.create(null));
  }

  /** The cached hash of `key` if the entry matches `stats` and is not racy. */
  lookup(key: string, stats: Stats): string | undefined {
    const entry = this.entries[key];
    if (
      entry &&
      entry[0] === stats.ino &&
      entry[1] === stats.size &&
      entry[2] === stats.mtimeMs &&
      entry[3] === stats.ctimeMs &&
      stats.mtimeMs < entry[4]
    ) {
      return entry[5];
    }
    return undefined;
  }

  /** Call before reading a file's content; pass the value to `record`. */
  clockBeforeRead(): number {
    this.clockMs ??= readFsClock(this.paths);
    return this.clockMs;
  }

  /** Files written after this point (by a stage) need a fresh clock reading to become trusted. */
  startNewEpoch(): void {
    this.clockMs = undefined;
  }

  record(key: string, stats: Stats, clockMs: number, hash: string): void {
    this.entries[key] = [stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs, clockMs, hash];
    this.dirty = true;
  }

  directory(key: string): { nfiles: number; listing: string; hash: string } | undefined {
    const entry = this.directories[key];
    return entry ? { nfiles: entry[0], listing: entry[1], hash: entry[2] } : undefined;
  }

  recordDirectory(key: string, value: { nfiles: number; listing: string; hash: string }): void {
    const entry = this.directories[key];
    if (entry && entry[0] === value.nfiles && entry[1] === value.listing && entry[2] === value.hash) return;
    this.directories[key] = [value.nfiles, value.listing, value.hash];
    this.dirty = true;
  }

  /** Drops entries of files and directories that no longer exist (gc); returns how many. */
  prune(root: string): number {
    let removed = 0;
    for (const table of [this.entries, this.directories] as Record<string, unknown>[]) {
      for (const key of Object.keys(table)) {
        if (!existsSync(join(root, key))) {
          delete table[key];
          removed++;
        }
      }
    }
    if (removed > 0) this.dirty = true;
    return removed;
  }

  save(): void {
    if (!this.dirty) return;
    ensureReproDir(this.paths);
    const file: StatCacheFile = { version: 3, entries: this.entries, directories: this.directories };
    writeFileAtomic(this.paths.statCache, JSON.stringify(file));
    this.dirty = false;
  }
}
