import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";
import { isAlive, processStartTime } from "./process-identity.js";

export interface LockHolder {
  pid: number;
  startTime?: string;
  command: string;
  sinceMs: number;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Creates the lock file with complete content in one step: write a temp file, then link() it (fails if taken). */
function tryCreate(path: string, holder: LockHolder): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(holder));
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Removes a lock left by a dead process. The lock is first renamed to a name of our own (only one process can
 * win that rename), then checked again, so two waiters cannot both break it and one delete the other's new lock.
 */
function breakStaleLock(path: string, stale: LockHolder): void {
  const claimed = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, claimed);
  } catch {
    return;
  }
  const taken = readHolder(claimed);
  if (taken && (taken.pid !== stale.pid || taken.sinceMs !== stale.sinceMs)) {
    // Someone else's fresh lock: put it back (link fails if yet another process took the lock meanwhile).
    try {
      linkSync(claimed, path);
    } catch {}
  }
  rmSync(claimed, { force: true });
}

export interface WaitInfo {
  holder: LockHolder;
}

/**
 * One `repro` (or `commit`, `gc`, `pull`) at a time per workspace. A second one waits, calling `onWait` once; a
 * lock whose process is gone (SIGKILL, crash, reboot) is taken over automatically.
 */
export async function acquireWorkspaceLock(
  paths: ReproDir,
  command: string,
  options: { onWait?: (info: WaitInfo) => void; pollMs?: number; signal?: AbortSignal } = {},
): Promise<() => void> {
  ensureReproDir(paths);
  const me: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    command,
    sinceMs: Date.now(),
  };
  let reported = false;
  for (;;) {
    if (tryCreate(paths.workspaceLock, me)) break;
    const holder = readHolder(paths.workspaceLock);
    if (!holder || !isAlive(holder.pid, holder.startTime)) {
      if (holder) breakStaleLock(paths.workspaceLock, holder);
      else rmSync(paths.workspaceLock, { force: true }); // unreadable: tryCreate never leaves a torn file
      continue;
    }
    if (holder.pid === process.pid) throw new Error("this process already holds the workspace lock");
    if (!reported) {
      options.onWait?.({ holder });
      reported = true;
    }
    if (options.signal?.aborted) throw new Error("aborted while waiting for the workspace lock");
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    const holder = readHolder(paths.workspaceLock);
    if (holder?.pid === process.pid && holder.sinceMs === me.sinceMs)
      rmSync(paths.workspaceLock, { force: true });
  };
  process.on("exit", release);
  return release;
}
