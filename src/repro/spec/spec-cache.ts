import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { quickDigest } from "../hash/quick-digest.js";
import type { ReproDir } from "../repro-dir.js";

/** Bump when the shape of a cached value (Stage, LockedStage, the pipeline entry) changes. */
const FORMAT = 3;

type Section = "pipeline" | "params" | "lock";

interface CachedFile {
  digest: string;
  value: unknown;
}

interface SpecCacheFile {
  format: number;
  files: Record<string, CachedFile>;
}

/**
 * pipeline.yaml, params files and pipeline.lock as last parsed and validated, keyed by a digest of their text.
 * With it a no-op `repro` never loads the YAML parser or zod (~20 ms of CPU, a third of `node -e 0`, on a path
 * whose budget is 2× `node -e 0`). These files are small: reading and digesting them costs microseconds, and
 * unlike a stat key a digest has no racy-timestamp case, which matters for a lock we rewrite ourselves.
 */
export class SpecCache {
  private dirty = false;

  private constructor(
    private readonly paths: ReproDir,
    private readonly files: Record<string, CachedFile>,
  ) {}

  static load(paths: ReproDir): SpecCache {
    try {
      const parsed = JSON.parse(readFileSync(join(paths.dir, "spec-cache.json"), "utf8")) as SpecCacheFile;
      if (parsed.format === FORMAT && parsed.files) return new SpecCache(paths, parsed.files);
    } catch {
      // Missing or unreadable: it is only a cache.
    }
    return new SpecCache(paths, {});
  }

  get(section: Section, file: string, text: string): unknown {
    const entry = this.files[`${section}:${file}`];
    return entry && entry.digest === quickDigest(text) ? entry.value : undefined;
  }

  set(section: Section, file: string, text: string, value: unknown): void {
    this.files[`${section}:${file}`] = { digest: quickDigest(text), value };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const file: SpecCacheFile = { format: FORMAT, files: this.files };
    try {
      writeFileAtomic(join(this.paths.dir, "spec-cache.json"), JSON.stringify(file));
    } catch {
      // A read-only checkout still works, just without the cache.
    }
    this.dirty = false;
  }
}
