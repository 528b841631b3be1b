import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

let counter = 0;

/**
 * Writes a file so readers (and a later run after a crash or SIGKILL) see either the old or the new content,
 * never a torn one: temp file in the same directory, then rename. No fsync: we guard against killed processes,
 * not power loss, and ext4 (auto_da_alloc) already flushes on rename-over-existing.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}-${counter++}`;
  try {
    writeFileSync(temp, data);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
