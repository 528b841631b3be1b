import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The engine's private state, next to pipeline.yaml. Everything in it can be deleted; `cache/` is the costly part. */
export interface ReproDir {
  root: string;
  dir: string;
  statCache: string;
  workspaceLock: string;
  tmp: string;
  journal: string;
  backups: string;
  objects: string;
  runs: string;
}

export function reproDir(root: string): ReproDir {
  const dir = join(root, ".repro");
  return {
    root,
    dir,
    statCache: join(dir, "stat-cache.json"),
    workspaceLock: join(dir, "lock"),
    tmp: join(dir, "tmp"),
    journal: join(dir, "tmp", "journal"),
    backups: join(dir, "tmp", "backups"),
    objects: join(dir, "cache", "objects"),
    runs: join(dir, "cache", "runs"),
  };
}

/** Creates .repro/ with a .gitignore of its own, so it stays out of git even without the project's .gitignore. */
export function ensureReproDir(paths: ReproDir): void {
  if (existsSync(join(paths.dir, ".gitignore"))) return;
  mkdirSync(paths.tmp, { recursive: true });
  writeFileSync(join(paths.dir, ".gitignore"), "*\n");
}
