import { existsSync, readFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";
import { readFsClock } from "./fs-clock.js";

/** [inode, size, mtimeMs, ctimeMs, fsClockMs, hash] */
type Entry = [number, number, number, number, number, string];

/**
 * A directory as last hashed, compact so that loading and checking 10,000 files stays cheap: its files' relative
 * paths in walk order (joined by NUL), their hashes (concatenated, 32 hex digits each), and per file
 * [inode, size, mtimeMs, ctimeMs, fsClockMs] as a base64 Float64Array.
 */
interface StoredDirectory {
  hash: string;
  names: string;
  hashes: string;
  stats: string;
}

interface StatCacheFile {
  version: 4;
  entries: Record<string, Entry>;
  directories: Record<string, StoredDirectory>;
}

const FIELDS = 5;

/** What the stat cache compares: a plain record, so a walk need not keep 10,000 fs.Stats objects alive. */
export interface FileStat {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** A file of a directory, as the hasher saw it now. */
export interface DirectoryFile extends FileStat {
  path: string;
  hash: string;
  /** The fs clock read before its content was (0 if it changed while being read: never trusted). */
  clockMs: number;
}

/** Read access to a stored directory: which of its files can be trusted by position or by name. */
export class DirectoryRecord {
  private decoded: Float64Array | undefined;
  private byName: Map<string, number> | undefined;

  constructor(private readonly stored: StoredDirectory) {}

  get hash(): string {
    return this.stored.hash;
  }

  /** The relative paths joined by NUL: equal to the walk's means the same files in the same order. */
  get names(): string {
    return this.stored.names;
  }

  private stats(): Float64Array {
    if (!this.decoded) {
      const bytes = Buffer.from(this.stored.stats, "base64");
      this.decoded = new Float64Array(bytes.length / 8);
      new Uint8Array(this.decoded.buffer).set(bytes);
    }
    return this.decoded;
  }

  /** The index of a file by relative path. */
  indexOf(path: string): number | undefined {
    this.byName ??= new Map(
      this.stored.names === "" ? [] : this.stored.names.split("\0").map((name, index) => [name, index]),
    );
    return this.byName.get(path);
  }

  /** File `index` still has the recorded stat, and the record is not racy. */
  trusted(index: number, stats: FileStat): boolean {
    const recorded = this.stats();
    const at = index * FIELDS;
    return (
      recorded[at] === stats.ino &&
      recorded[at + 1] === stats.size &&
      recorded[at + 2] === stats.mtimeMs &&
      recorded[at + 3] === stats.ctimeMs &&
      stats.mtimeMs < (recorded[at + 4] as number)
    );
  }

  fileHash(index: number): string {
    return this.stored.hashes.slice(index * 32, index * 32 + 32);
  }

  clockMs(index: number): number {
    return this.stats()[index * FIELDS + 4] as number;
  }
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
    private readonly directories: Record<string, StoredDirectory>,
  ) {
    this.entries = entries;
  }

  static load(paths: ReproDir): StatCache {
    try {
      const parsed = JSON.parse(readFileSync(paths.statCache, "utf8")) as StatCacheFile;
      if (parsed.version === 4 && parsed.entries && parsed.directories) {
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

  directory(key: string): DirectoryRecord | undefined {
    const stored = this.directories[key];
    return stored ? new DirectoryRecord(stored) : undefined;
  }

  recordDirectory(key: string, hash: string, files: readonly DirectoryFile[]): void {
    const stats = new Float64Array(files.length * FIELDS);
    files.forEach((file, index) => {
      stats.set([file.ino, file.size, file.mtimeMs, file.ctimeMs, file.clockMs], index * FIELDS);
    });
    this.directories[key] = {
      hash,
      names: files.map((file) => file.path).join("\0"),
      hashes: files.map((file) => file.hash).join(""),
      stats: Buffer.from(stats.buffer).toString("base64"),
    };
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
    const file: StatCacheFile = { version: 4, entries: this.entries, directories: this.directories };
    writeFileAtomic(this.paths.statCache, JSON.stringify(file));
    this.dirty = false;
  }
}
