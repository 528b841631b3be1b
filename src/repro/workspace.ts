import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ObjectStore } from "./cache/object-store.js";
import { RunCache } from "./cache/run-cache.js";
import { err, ok, type Result, toReproError } from "./errors.js";
import { buildGraph, type Graph, withUpstream } from "./graph.js";
import { Hasher } from "./hash/path-hash.js";
import { quickDigest } from "./hash/quick-digest.js";
import { StatCache } from "./hash/stat-cache.js";
import type { LockedStage, LockedStages } from "./lock.js";
import { type ReproDir, reproDir } from "./repro-dir.js";
import { checkParams } from "./spec/check-params.js";
import type { PipelineSpec } from "./spec/load-pipeline.js";
import { ParamsFiles } from "./spec/params.js";
import { SpecCache } from "./spec/spec-cache.js";
import { LOCK_FILE, PIPELINE_FILE, type Pipeline } from "./spec/stage.js";

/** A validated pipeline with its graph and the params files it reads. */
export interface LoadedPipeline {
  pipeline: Pipeline;
  graph: Graph;
  params: ParamsFiles;
}

// The parsers (yaml, zod) are imported only when the spec cache cannot answer: see spec-cache.ts.

/** A file's text, or null if it does not exist. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "EISDIR"
    ) {
      return null;
    }
    throw error;
  }
}

/**
 * Texts of files in the pipeline's directory, each read once per load (params.yaml serves vars and params);
 * `overlay` stands in for some of them (`repro --dry -S` evaluates params it does not write).
 */
function textReader(root: string, overlay?: ReadonlyMap<string, string>): (file: string) => string | null {
  const texts = new Map<string, string | null>(overlay);
  return (file) => {
    if (!texts.has(file)) texts.set(file, readText(join(root, file)));
    return texts.get(file) ?? null;
  };
}

/** The resolved spec, valid while pipeline.yaml and every file its `${...}` read are unchanged. */
interface CachedSpec {
  spec: PipelineSpec;
  /** file → digest of its text, null when it did not exist. */
  vars: Record<string, string | null>;
}

const digestOf = (text: string | null) => (text === null ? null : quickDigest(text));

async function loadSpec(
  root: string,
  cache: SpecCache,
  read: (file: string) => string | null,
): Promise<Result<PipelineSpec>> {
  const text = read(PIPELINE_FILE);
  if (text === null) return err({ kind: "pipeline-not-found", dir: root });
  const cached = cache.get("pipeline", PIPELINE_FILE, text) as CachedSpec | undefined;
  if (cached && Object.entries(cached.vars).every(([file, digest]) => digestOf(read(file)) === digest)) {
    return ok(cached.spec);
  }
  const { parsePipelineSpec } = await import("./spec/load-pipeline.js");
  const parsed = parsePipelineSpec(text, read);
  if (!parsed.ok) return parsed;
  const { spec, varsFiles } = parsed.value;
  const vars = Object.fromEntries(varsFiles.map((file) => [file, digestOf(read(file))]));
  cache.set("pipeline", PIPELINE_FILE, text, { spec, vars } satisfies CachedSpec);
  return ok(spec);
}

async function loadParams(
  files: Iterable<string>,
  cache: SpecCache,
  read: (file: string) => string | null,
): Promise<Result<ParamsFiles>> {
  const loaded = new Map<string, { data: unknown } | null>();
  for (const file of files) {
    const text = read(file);
    if (text === null) {
      loaded.set(file, null);
      continue;
    }
    const cached = cache.get("params", file, text) as { data: unknown } | undefined;
    if (cached) {
      loaded.set(file, cached);
      continue;
    }
    const { parseYamlSource } = await import("./spec/yaml-source.js");
    const parsed = parseYamlSource(text, file);
    if (!parsed.ok) return parsed;
    const value = { data: parsed.value.data };
    cache.set("params", file, text, value);
    loaded.set(file, value);
  }
  return ok(new ParamsFiles(loaded));
}

async function loadLock(root: string, cache: SpecCache): Promise<Result<LockedStages>> {
  const text = readText(join(root, LOCK_FILE));
  if (text === null) return ok(new Map());
  const cached = cache.get("lock", LOCK_FILE, text) as [string, LockedStage][] | undefined;
  if (cached) return ok(new Map(cached));
  const { parseLock } = await import("./lock-file.js");
  const lock = parseLock(text);
  if (lock.ok) cache.set("lock", LOCK_FILE, text, [...lock.value]);
  return lock;
}

async function loadPipelineWith(
  root: string,
  cache: SpecCache,
  overlay?: ReadonlyMap<string, string>,
): Promise<Result<LoadedPipeline>> {
  const read = textReader(root, overlay);
  const spec = await loadSpec(root, cache, read);
  if (!spec.ok) return spec;
  const { stages, remote } = spec.value;
  const params = await loadParams(
    new Set(stages.flatMap((stage) => stage.params.map((p) => p.file))),
    cache,
    read,
  );
  if (!params.ok) return params;
  const checked = checkParams(stages, params.value);
  if (!checked.ok) return checked;
  const pipeline: Pipeline = {
    root,
    file: PIPELINE_FILE,
    stages,
    byName: new Map(stages.map((stage) => [stage.name, stage])),
    remote,
  };
  const graph = buildGraph(pipeline);
  if (!graph.ok) return graph;
  return ok({ pipeline, graph: graph.value, params: params.value });
}

/** Reads and validates pipeline.yaml (and the params keys it names) in `cwd`, and builds its graph. */
export async function loadPipeline(cwd: string = process.cwd()): Promise<Result<LoadedPipeline>> {
  try {
    const root = resolve(cwd);
    const cache = SpecCache.load(reproDir(root));
    const loaded = await loadPipelineWith(root, cache);
    cache.save();
    return loaded;
  } catch (thrown) {
    return err(toReproError(thrown));
  }
}

/** Everything a command needs about one pipeline directory, loaded once. */
export interface Workspace extends LoadedPipeline {
  root: string;
  paths: ReproDir;
  statCache: StatCache;
  hasher: Hasher;
  store: ObjectStore;
  runs: RunCache;
  lock: LockedStages;
  /** Writes pipeline.lock from `lock` (atomically). */
  saveLock(): Promise<void>;
}

/** `overlay`: file → text read instead of the file's own (the workspace is then for reading only). */
export async function openWorkspace(
  cwd: string,
  cacheDir?: string,
  overlay?: ReadonlyMap<string, string>,
): Promise<Result<Workspace>> {
  try {
    return await open(resolve(cwd), cacheDir, overlay);
  } catch (thrown) {
    return err(toReproError(thrown));
  }
}

async function open(
  root: string,
  cacheDir: string | undefined,
  overlay: ReadonlyMap<string, string> | undefined,
): Promise<Result<Workspace>> {
  const paths = reproDir(root, cacheDir);
  const cache = SpecCache.load(paths);
  const loaded = await loadPipelineWith(root, cache, overlay);
  if (!loaded.ok) return loaded;
  const lock = await loadLock(root, cache);
  if (!lock.ok) return lock;
  // Texts that are not on disk would only push out the entries of those that are.
  if (!overlay) cache.save();
  const statCache = StatCache.load(paths);
  const order = loaded.value.pipeline.stages.map((stage) => stage.name);
  return ok({
    ...loaded.value,
    root,
    paths,
    statCache,
    hasher: new Hasher(root, statCache),
    store: new ObjectStore(paths),
    runs: new RunCache(paths),
    lock: lock.value,
    async saveLock() {
      const { writeLock } = await import("./lock-file.js");
      writeLock(root, lock.value, order);
    },
  });
}

/** The stages a command works on: the targets and (unless `single`) everything upstream of them. */
export function selectStages(
  workspace: LoadedPipeline,
  targets: readonly string[] | undefined,
  single = false,
): Result<string[]> {
  const { pipeline, graph } = workspace;
  if (!targets || targets.length === 0) return ok(graph.order);
  const names: string[] = [];
  for (const target of targets) {
    // A foreach / matrix stage's own name stands for every stage it generated, as in DVC.
    const members = pipeline.byName.has(target)
      ? [target]
      : pipeline.stages.filter((stage) => stage.group === target).map((stage) => stage.name);
    if (members.length === 0) {
      return err({ kind: "unknown-stage", stage: target, known: pipeline.stages.map((stage) => stage.name) });
    }
    names.push(...members);
  }
  return ok(single ? graph.order.filter((name) => names.includes(name)) : withUpstream(graph, names));
}
