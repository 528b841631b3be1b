// An exclusive lock held as a file, for the engine's workspace and the registry's aliases. The file is created
// with its complete content in one step (a temp file linked into place, which fails if the lock is taken), so a
// competing process never reads a half-written holder and takes a live lock for a dead one. A lock whose process
// is gone (SIGKILL, crash, reboot) is taken over.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isAlive, processStartTime } from "./process-identity.js";

export interface LockHolder {
  pid: number;
  startTime?: string;
  command: string;
  sinceMs: number;
}

export function readLockHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof holder === "object" && holder !== null && typeof holder.pid === "number"
      ? holder
      : undefined;
  } catch {
    return undefined;
  }
}

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
function breakStaleLock(path: string, stale: LockHolder | undefined): void {
  const claimed = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, claimed);
  } catch {
    return;
  }
  const taken = readLockHolder(claimed);
  if (taken && (taken.pid !== stale?.pid || taken.sinceMs !== stale?.sinceMs)) {
    // Someone else's fresh lock: put it back (link fails if yet another process took the lock meanwhile).
    try {
      linkSync(claimed, path);
    } catch {}
  }
  rmSync(claimed, { force: true });
}

export type LockAttempt = { acquired: true; release: () => void } | { acquired: false; holder: LockHolder };

/** One attempt: takes the lock (breaking a stale one), or names the live process that holds it. */
export function tryLock(path: string, command: string): LockAttempt {
  const me: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    command,
    sinceMs: Date.now(),
  };
  for (;;) {
    if (tryCreate(path, me)) return { acquired: true, release: releaser(path, me) };
    const holder = readLockHolder(path);
    if (!holder || !isAlive(holder.pid, holder.startTime)) {
      // tryCreate never leaves a torn file, so an unreadable lock is not one of ours: it is stale.
      breakStaleLock(path, holder);
      continue;
    }
    if (holder.pid === process.pid) throw new Error(`this process already holds the lock ${path}`);
    return { acquired: false, holder };
  }
}

function releaser(path: string, me: LockHolder): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    const holder = readLockHolder(path);
    if (holder?.pid === me.pid && holder.sinceMs === me.sinceMs) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return release;
}

export interface WaitOptions {
  /** Called once, when the lock is first found held. */
  onWait?: (info: { holder: LockHolder }) => void;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Waits for the lock; resolves to its release function. */
export async function acquireLock(
  path: string,
  command: string,
  options: WaitOptions = {},
): Promise<() => void> {
  let reported = false;
  for (;;) {
    const attempt = tryLock(path, command);
    if (attempt.acquired) return attempt.release;
    if (!reported) {
      options.onWait?.({ holder: attempt.holder });
      reported = true;
    }
    if (options.signal?.aborted) throw new Error(`aborted while waiting for the lock ${path}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
