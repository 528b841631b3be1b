import { readdirSync, readFileSync } from "node:fs";

/**
 * The kernel's start time of a process (Linux /proc/<pid>/stat, field 22), used with the pid to tell a process
 * we recorded apart from a later one that reused its pid. Undefined where /proc is not available.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process we recorded (pid + start time) is still running. */
export function isAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTime === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === startTime;
}

/** Signals a whole process group (a stage's shell and everything it started); false if it is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any live (non-zombie) process is in group `pgid`. Zombies count as gone: in a container without an
 * init that reaps orphans they linger forever, yet hold no files open.
 */
export function isGroupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return signalGroup(pgid, 0);
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[2] === String(pgid) && fields[0] !== "Z" && fields[0] !== "X") return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}
