import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

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

/**
 * `cacheDir` (default: $TABULA_CACHE_DIR, else .repro/cache) holds the object store and run cache; workspaces may
 * share one (an experiment's temporary copy of the repository reusing the main checkout's runs, say): every write
 * into it is atomic and content- or input-addressed.
 */
export function reproDir(root: string, cacheDir?: string): ReproDir {
  const dir = join(root, ".repro");
  const cache = resolve(root, cacheDir ?? process.env.TABULA_CACHE_DIR ?? join(dir, "cache"));
  return {
    root,
    dir,
    statCache: join(dir, "stat-cache.json"),
    workspaceLock: join(dir, "lock"),
    tmp: join(dir, "tmp"),
    journal: join(dir, "tmp", "journal"),
    backups: join(dir, "tmp", "backups"),
    objects: join(cache, "objects"),
    runs: join(cache, "runs"),
  };
}

/** Creates .repro/ with a .gitignore of its own, so it stays out of git even without the project's .gitignore. */
export function ensureReproDir(paths: ReproDir): void {
  if (existsSync(paths.tmp)) return;
  mkdirSync(paths.tmp, { recursive: true });
  if (!existsSync(join(paths.dir, ".gitignore"))) writeFileSync(join(paths.dir, ".gitignore"), "*\n");
}
