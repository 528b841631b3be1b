import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { directoryHash, type FileEntry, type PathState } from "../hash/path-hash.js";
import { hashFile } from "../hash/xxh3.js";
import type { ReproDir } from "../repro-dir.js";
import { twoLevelEntries } from "./two-level-entries.js";

/** An output (or dep) as the lock names it: a directory has `nfiles`. */
export interface StoredRef {
  hash: string;
  nfiles?: number;
}

let counter = 0;
const tempName = (path: string) => `${path}.repro-tmp-${process.pid}-${counter++}`;

/**
 * Copies `from` to `to` through a reflink when the filesystem supports it (btrfs, xfs, APFS: instant, no extra
 * space), a plain copy otherwise. We never hardlink: a stage or an editor writing into a linked file in place
 * would silently change the cached object for every future restore.
 */
function cloneFile(from: string, to: string): void {
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
}

/**
 * Content-addressed store under .repro/cache/objects: `ab/cdef…` holds a file's bytes, `ab/cdef….dir` a
 * directory's manifest (its files' relative paths, hashes and sizes). Objects are read-only and never change.
 */
export class ObjectStore {
  constructor(private readonly paths: ReproDir) {}

  objectPath(name: string): string {
    return join(this.paths.objects, name.slice(0, 2), name.slice(2));
  }

  static fileName(hash: string): string {
    return hash;
  }

  static manifestName(hash: string): string {
    return `${hash}.dir`;
  }

  has(name: string): boolean {
    return existsSync(this.objectPath(name));
  }

  readManifest(hash: string): FileEntry[] | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.objectPath(ObjectStore.manifestName(hash)), "utf8")) as {
        entries: [string, string, number][];
      };
      return parsed.entries.map(([path, fileHash, size]) => ({ path, hash: fileHash, size }));
    } catch {
      return undefined;
    }
  }

  /** Every object name needed to restore `ref`, or undefined when a directory's manifest is missing. */
  objectsOf(ref: StoredRef): string[] | undefined {
    if (ref.nfiles === undefined) return [ObjectStore.fileName(ref.hash)];
    const entries = this.readManifest(ref.hash);
    if (!entries) return undefined;
    return [ObjectStore.manifestName(ref.hash), ...entries.map((entry) => ObjectStore.fileName(entry.hash))];
  }

  /** Object names `ref` needs that are not in the store. */
  missing(ref: StoredRef): string[] {
    const names = this.objectsOf(ref);
    if (!names) return [ObjectStore.manifestName(ref.hash)];
    return names.filter((name) => !this.has(name));
  }

  canRestore(ref: StoredRef): boolean {
    return this.missing(ref).length === 0;
  }

  /** Copies an output into the store (files already present are skipped: same hash, same bytes). */
  store(root: string, path: string, state: PathState): void {
    if (state.kind === "file") {
      this.storeFile(join(root, path), state.hash);
      return;
    }
    for (const entry of state.entries) this.storeFile(join(root, path, entry.path), entry.hash);
    this.storeManifest(state);
  }

  /** Records a directory's manifest only (for deps: lets `why` name the files that changed). */
  storeManifest(state: Extract<PathState, { kind: "dir" }>): void {
    const name = ObjectStore.manifestName(state.hash);
    if (this.has(name)) return;
    const entries = state.entries.map((entry) => [entry.path, entry.hash, entry.size]);
    writeFileAtomic(this.objectPath(name), JSON.stringify({ entries }));
  }

  private storeFile(source: string, hash: string): void {
    const target = this.objectPath(ObjectStore.fileName(hash));
    if (existsSync(target)) return;
    mkdirSync(dirname(target), { recursive: true });
    const temp = tempName(target);
    cloneFile(source, temp);
    chmodSync(temp, 0o444);
    renameSync(temp, target);
  }

  /**
   * Moves a downloaded file (`temp`, in the object's own directory: see `downloadPath`) into place, after
   * checking that its content matches its name.
   */
  adopt(name: string, temp: string): void {
    if (name.endsWith(".dir")) {
      const parsed = JSON.parse(readFileSync(temp, "utf8")) as { entries: [string, string, number][] };
      const entries = parsed.entries.map(([path, hash, size]) => ({ path, hash, size }));
      if (`${directoryHash(entries)}.dir` !== name)
        throw new Error(`object ${name} is corrupt (manifest hash differs)`);
    } else if (hashFile(temp).hash !== name) {
      throw new Error(`object ${name} is corrupt (content hash differs)`);
    }
    chmodSync(temp, 0o444);
    renameSync(temp, this.objectPath(name));
  }

  /** A temporary path next to where object `name` goes, for downloading into. */
  downloadPath(name: string): string {
    const target = this.objectPath(name);
    mkdirSync(dirname(target), { recursive: true });
    return tempName(target);
  }

  /**
   * Replaces `path` with the stored content of `ref`. The new content is built next to the target and renamed
   * over it, so the output is never seen half-written.
   */
  restore(root: string, path: string, ref: StoredRef): void {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    const temp = tempName(target);
    try {
      if (ref.nfiles === undefined) {
        cloneFile(this.objectPath(ObjectStore.fileName(ref.hash)), temp);
        chmodSync(temp, 0o644);
      } else {
        const entries = this.readManifest(ref.hash);
        if (!entries) throw new Error(`the manifest of ${path} (${ref.hash}) is not in the cache`);
        mkdirSync(temp);
        for (const entry of entries) {
          const file = join(temp, entry.path);
          mkdirSync(dirname(file), { recursive: true });
          cloneFile(this.objectPath(ObjectStore.fileName(entry.hash)), file);
          chmodSync(file, 0o644);
        }
      }
      const current = statSync(target, { throwIfNoEntry: false });
      if (current?.isDirectory() || (current && ref.nfiles !== undefined))
        rmSync(target, { recursive: true });
      renameSync(temp, target);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  /** Every object in the store with its size (for gc and push). */
  list(): { name: string; size: number }[] {
    return twoLevelEntries(this.paths.objects)
      .filter((entry) => !entry.name.includes(".repro-tmp-"))
      .map(({ folder, name }) => {
        const object = folder + name;
        return { name: object, size: statSync(this.objectPath(object)).size };
      });
  }

  remove(name: string): void {
    rmSync(this.objectPath(name), { force: true });
  }
}
