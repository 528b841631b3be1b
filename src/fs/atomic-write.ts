// Writes that a crash cannot leave half done, for every part of tabula (engine state, stage outputs, the registry):
// the data goes to a temporary name next to its destination, then is renamed into place (rename is atomic within one
// file system), so readers — and the next run after a SIGKILL — see the old content or the new, never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";

export interface WriteOptions {
  /**
   * fsync before the rename, so the content also survives a power loss. The engine's own state skips it (a killed
   * process is what it guards against, and ext4's auto_da_alloc flushes on rename-over-existing); registry versions
   * and packaged models use it.
   */
  durable?: boolean;
}

let counter = 0;

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${threadId}-${counter++}`);
}

function writeWhole(path: string, data: Uint8Array | string, durable: boolean): void {
  const fd = openSync(path, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  writeAtomicWith(path, (temporary) => writeWhole(temporary, data, options.durable ?? false));
}

/**
 * writeFileAtomic for a writer that takes a path (a native library writing the file itself, with no copy of the
 * whole content in memory): `write` fills the temporary file, which is then renamed into place.
 */
export function writeAtomicWith(path: string, write: (temporary: string) => void): void {
  const temporary = temporaryName(path);
  try {
    try {
      write(temporary);
    } catch (error) {
      // Creating the parent only when it is missing keeps the common case at one open().
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(dirname(path), { recursive: true });
      write(temporary);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function writeTemporaryDirectory(path: string, files: Record<string, Uint8Array | string>): string {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryName(path);
  mkdirSync(temporary);
  try {
    for (const [name, data] of Object.entries(files)) writeWhole(join(temporary, name), data, true);
    return temporary;
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Creates directory `path` holding `files` (durably), all at once; fails (EEXIST/ENOTEMPTY) if `path` already
 * exists, so an existing directory is never changed.
 */
export function createDirectoryAtomic(path: string, files: Record<string, Uint8Array | string>): void {
  const temporary = writeTemporaryDirectory(path, files);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Replaces directory `path` (if any) by one holding exactly `files`; readers see the old or the new set, whole. */
export function replaceDirectoryAtomic(path: string, files: Record<string, Uint8Array | string>): void {
  const temporary = writeTemporaryDirectory(path, files);
  const previous = temporaryName(path);
  let moved = false;
  try {
    try {
      renameSync(path, previous);
      moved = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    renameSync(temporary, path);
  } catch (error) {
    if (moved) renameSync(previous, path);
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  if (moved) rmSync(previous, { recursive: true, force: true });
}
