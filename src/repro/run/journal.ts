import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { isGroupAlive, processStartTime, signalGroup } from "../../fs/process-identity.js";
import { ensureReproDir, type ReproDir } from "../repro-dir.js";

interface JournaledOutput {
  path: string;
  /** Whether the output existed before the stage started (and so has a backup to go back to). */
  existed: boolean;
  backup: string;
}

interface JournalFile {
  stage: string;
  /** running: outputs are being rewritten; committed: new outputs are accepted, only cleanup is left. */
  state: "running" | "committed";
  outputs: JournaledOutput[];
  child?: { pgid: number; startTime?: string };
}

/** Moves a file or directory, across filesystems if need be. */
function move(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    cpSync(from, to, { recursive: true, preserveTimestamps: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Makes a stage's outputs atomic. Before the command runs, each existing output is moved aside (so the stage
 * writes fresh files and never into its old ones); if the stage fails or is interrupted, the partial outputs
 * are removed and the old ones moved back. Every step is recorded in .repro/tmp/journal/<stage>.json first, so
 * that after a SIGKILL the next run can finish the job (`recoverJournals`).
 */
export class StageJournal {
  private constructor(
    private readonly root: string,
    private readonly file: string,
    private readonly record: JournalFile,
  ) {}

  static begin(paths: ReproDir, root: string, stage: string, outputs: readonly string[]): StageJournal {
    ensureReproDir(paths);
    const tag = `${stage}-${process.pid}-${Date.now().toString(36)}`;
    const record: JournalFile = {
      stage,
      state: "running",
      outputs: outputs.map((path, index) => ({
        path,
        existed: existsSync(join(root, path)),
        backup: join(paths.backups, tag, String(index)),
      })),
    };
    const journal = new StageJournal(root, join(paths.journal, `${stage}.json`), record);
    journal.write();
    try {
      for (const output of record.outputs) {
        if (output.existed) move(join(root, output.path), output.backup);
      }
    } catch (error) {
      // Put back what was already moved, so a failure to start leaves the workspace as it was.
      journal.rollback();
      throw error;
    }
    return journal;
  }

  setChild(pgid: number): void {
    this.record.child = { pgid, startTime: processStartTime(pgid) };
    this.write();
  }

  /** Failure: drop whatever the stage wrote, put the previous outputs back. */
  rollback(): void {
    restoreBackups(this.root, this.record);
    this.cleanup();
  }

  /** Success: the new outputs stay. Call before writing the lock; `finish` after. */
  commit(): void {
    this.record.state = "committed";
    delete this.record.child;
    this.write();
  }

  finish(): void {
    this.cleanup();
  }

  private write(): void {
    writeFileAtomic(this.file, JSON.stringify(this.record));
  }

  private cleanup(): void {
    for (const output of this.record.outputs) rmSync(output.backup, { recursive: true, force: true });
    const first = this.record.outputs[0];
    if (first) rmSync(dirname(first.backup), { recursive: true, force: true });
    rmSync(this.file, { force: true });
  }
}

function restoreBackups(root: string, record: JournalFile): void {
  for (const output of record.outputs) {
    const target = join(root, output.path);
    if (output.existed) {
      if (existsSync(output.backup)) {
        rmSync(target, { recursive: true, force: true });
        move(output.backup, target);
      }
    } else {
      rmSync(target, { recursive: true, force: true });
    }
  }
}

export interface Recovery {
  stage: string;
  action: "restored-previous-outputs" | "kept-committed-outputs";
  killedOrphan: boolean;
}

/**
 * Finishes what a killed `repro` left behind (call while holding the workspace lock, so no live process owns a
 * journal): stops the stage processes it orphaned, and puts the previous outputs back (or, if the run had been
 * committed, just removes the backups).
 */
export async function recoverJournals(paths: ReproDir, root: string): Promise<Recovery[]> {
  let files: string[];
  try {
    files = readdirSync(paths.journal).filter((file) => file.endsWith(".json"));
  } catch {
    return [];
  }
  const recovered: Recovery[] = [];
  for (const file of files) {
    const path = join(paths.journal, file);
    let record: JournalFile;
    try {
      record = JSON.parse(readFileSync(path, "utf8")) as JournalFile;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    const killedOrphan = record.child ? await stopOrphan(record.child) : false;
    if (record.state === "running") restoreBackups(root, record);
    for (const output of record.outputs) rmSync(output.backup, { recursive: true, force: true });
    const first = record.outputs[0];
    if (first) rmSync(dirname(first.backup), { recursive: true, force: true });
    rmSync(path, { force: true });
    recovered.push({
      stage: record.stage,
      action: record.state === "running" ? "restored-previous-outputs" : "kept-committed-outputs",
      killedOrphan,
    });
  }
  return recovered;
}

/** A stage process group whose repro was killed keeps running (and writing); stop it before touching outputs. */
async function stopOrphan(child: { pgid: number; startTime?: string }): Promise<boolean> {
  // If the group leader still exists it must be the process we started (same start time); if it is gone, no new
  // process can hold its pid as a group id while members of the old group are alive, so the group is ours.
  const leaderStart = processStartTime(child.pgid);
  if (leaderStart !== undefined && child.startTime !== undefined && leaderStart !== child.startTime)
    return false;
  if (leaderStart === undefined && !isGroupAlive(child.pgid)) return false;
  if (!signalGroup(child.pgid, "SIGTERM")) return false;
  for (let waited = 0; waited < 3000 && isGroupAlive(child.pgid); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (isGroupAlive(child.pgid)) signalGroup(child.pgid, "SIGKILL");
  for (let waited = 0; waited < 1000 && isGroupAlive(child.pgid); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
