import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write.js";
import { readFsClock, type StatKey, statKey, trusted } from "../hash/fs-clock.js";
import type { ReproDir } from "../repro-dir.js";

/** Bump when the shape of a cached value (Stage, LockedStage) changes. */
const FORMAT = 1;

type Section = "pipeline" | "params" | "lock";

interface CachedFile {
  key: StatKey;
  clockMs: number;
  value: unknown;
}

interface SpecCacheFile {
  format: number;
  files: Record<string, CachedFile>;
}

/**
 * Parsed and validated pipeline.yaml, params files and pipeline.lock, keyed by their stat (with the racy rule,
 * see fs-clock.ts). With it a no-op `repro` never loads the YAML parser or zod: measured at ~20 ms of CPU, a
 * third of what `node -e 0` costs, on a path whose budget is 2x `node -e 0`.
 */
export class SpecCache {
  private dirty = false;
  private clockMs: number | undefined;

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

  get(section: Section, file: string, stats: Parameters<typeof statKey>[0]): unknown {
    const entry = this.files[`${section}:${file}`];
    return entry && trusted(entry.key, entry.clockMs, statKey(stats)) ? entry.value : undefined;
  }

  /** Call before reading a file whose parsed value will be `set`. */
  clockBeforeRead(): number {
    this.clockMs ??= readFsClock(this.paths);
    return this.clockMs;
  }

  set(
    section: Section,
    file: string,
    stats: Parameters<typeof statKey>[0],
    clockMs: number,
    value: unknown,
  ): void {
    this.files[`${section}:${file}`] = { key: statKey(stats), clockMs, value };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const file: SpecCacheFile = { format: FORMAT, files: this.files };
    writeFileAtomic(join(this.paths.dir, "spec-cache.json"), JSON.stringify(file));
    this.dirty = false;
  }
}
