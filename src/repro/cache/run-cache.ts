import { readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import type { LockedPath } from "../lock.js";
import type { ReproDir } from "../repro-dir.js";
import type { OutputKind } from "../spec/stage.js";
import { twoLevelEntries } from "./two-level-entries.js";

/** A successful run: the inputs it saw (by key) and the outputs it produced (in the object store). */
export interface RunEntry {
  stage: string;
  key: string;
  cmd: string[];
  deps: LockedPath[];
  params: Record<string, Record<string, unknown>>;
  outputs: (LockedPath & { kind: OutputKind })[];
}

export interface RunRecord {
  stage: string;
  key: string;
  /** Last written or used; gc keeps the most recent runs of each stage. */
  usedMs: number;
}

/** The run cache: .repro/cache/runs/<stage>/<key>.json, one file per distinct set of inputs. */
export class RunCache {
  constructor(private readonly paths: ReproDir) {}

  entryPath(stage: string, key: string): string {
    return join(this.paths.runs, stage, `${key}.json`);
  }

  lookup(stage: string, key: string): RunEntry | undefined {
    const path = this.entryPath(stage, key);
    try {
      const entry = JSON.parse(readFileSync(path, "utf8")) as RunEntry;
      return entry.stage === stage && entry.key === key && Array.isArray(entry.outputs) ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Marks an entry as just used, so gc keeps the runs people actually go back to. */
  touch(stage: string, key: string): void {
    const now = new Date();
    try {
      utimesSync(this.entryPath(stage, key), now, now);
    } catch {
      // Best effort: only affects which runs gc keeps.
    }
  }

  save(entry: RunEntry): void {
    writeFileAtomic(this.entryPath(entry.stage, entry.key), `${JSON.stringify(entry, null, 1)}\n`);
  }

  list(): RunRecord[] {
    return twoLevelEntries(this.paths.runs)
      .filter((entry) => entry.name.endsWith(".json"))
      .map(({ folder, name, path }) => ({
        stage: folder,
        key: name.slice(0, -".json".length),
        usedMs: statSync(path).mtimeMs,
      }));
  }

  remove(stage: string, key: string): void {
    rmSync(this.entryPath(stage, key), { force: true });
  }
}
