// One `repro` (or `commit`, `gc`, `pull`) at a time per workspace: the workspace's lock file (src/fs/file-lock.ts).
import { acquireLock, type LockHolder, type WaitOptions } from "../../fs/file-lock.js";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";

export type { LockHolder };

/** A second caller waits, calling `onWait` once; a lock whose process is gone is taken over automatically. */
export function acquireWorkspaceLock(
  paths: ReproDir,
  command: string,
  options: WaitOptions = {},
): Promise<() => void> {
  ensureReproDir(paths);
  return acquireLock(paths.workspaceLock, command, options);
}
