// Writes that a crash cannot leave half done: a file or a whole directory is written under a temporary name next to
// its destination, flushed, then renamed into place (rename is atomic within one file system).
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

function writeAndFlush(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryName(path);
  try {
    writeAndFlush(temporary, data);
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
    for (const [name, data] of Object.entries(files)) writeAndFlush(join(temporary, name), data);
    return temporary;
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Creates directory `path` holding `files`, all at once; fails (EEXIST/ENOTEMPTY) if `path` already exists, so an
 * existing directory is never changed.
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
