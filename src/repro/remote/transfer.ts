import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ObjectStore, type StoredRef } from "../cache/object-store.js";
import type { RunEntry } from "../cache/run-cache.js";
import { err, formatError, ok, type Result, toReproError } from "../errors.js";
import { lockReferences } from "../gc.js";
import { acquireWorkspaceLock } from "../run/workspace-lock.js";
import { lockedOutputs, lockedRunKey } from "../snapshot.js";
import { openWorkspace, type Workspace } from "../workspace.js";
import { forEachLimit } from "./pool.js";
import type { Remote, RemoteObject } from "./remote.js";

export interface TransferProgress {
  direction: "upload" | "download";
  done: number;
  total: number;
  bytes: number;
}

export interface TransferOptions {
  cwd?: string;
  /** A configured remote's name, s3://bucket/prefix, a directory or file:// URL (default: see chooseRemote). */
  remote?: string;
  /** Also transfer run-cache entries and their objects (default true). */
  runCache?: boolean;
  cacheDir?: string;
  /** Transfers at once (default: the remote's, 16 for S3). */
  jobs?: number;
  onProgress?: (progress: TransferProgress) => void;
}

export interface PushReport {
  remote: string;
  uploadedObjects: number;
  uploadedBytes: number;
  uploadedRuns: number;
  /** Objects the lock refers to that are not in the local cache (outputs never run here). */
  missingLocally: number;
  /** Run entries not uploaded because some object they name is neither here nor on the remote. */
  skippedRuns: number;
}

export interface FetchReport {
  remote: string;
  downloadedObjects: number;
  downloadedBytes: number;
  downloadedRuns: number;
  /** Objects the lock refers to that the remote does not have either. */
  missingOnRemote: number;
}

export interface PullReport extends FetchReport {
  /** Outputs that were missing from the workspace and have been restored from the cache. */
  restoredOutputs: string[];
}

/** The workspace and the remote the options name; the remote is closed by `withRemote`. */
async function openBoth(options: TransferOptions): Promise<Result<{ workspace: Workspace; remote: Remote }>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()), options.cacheDir);
  if (!opened.ok) return opened;
  // The config's parsers (yaml, zod) load only when a remote is used: see test/cli-startup-imports.test.ts.
  const { chooseRemote, openRemote } = await import("./open-remote.js");
  const choice = chooseRemote(opened.value.root, options.remote, opened.value.pipeline.remote);
  if (!choice.ok) return choice;
  const remote = await openRemote(choice.value, opened.value.root);
  if (!remote.ok) return remote;
  return ok({ workspace: opened.value, remote: remote.value });
}

/** Runs `body` against the remote; anything thrown becomes one `remote` error naming it. */
export async function withRemote<T>(
  options: TransferOptions,
  body: (workspace: Workspace, remote: Remote) => Promise<T>,
): Promise<Result<T>> {
  const opened = await openBoth(options);
  if (!opened.ok) return opened;
  const { workspace, remote } = opened.value;
  try {
    return ok(await body(workspace, remote));
  } catch (thrown) {
    const error = toReproError(thrown);
    if (error.kind !== "io") return err(error);
    return err({ kind: "remote", url: remote.url, message: error.path ? formatError(error) : error.message });
  } finally {
    remote.close();
  }
}

/** Run entries of the local cache, parsed. */
function localRuns(workspace: Workspace): RunEntry[] {
  return workspace.runs
    .list()
    .map((record) => workspace.runs.lookup(record.stage, record.key))
    .filter((entry): entry is RunEntry => entry !== undefined);
}

/** Object names a ref needs as far as the local cache knows (a directory without its manifest: the manifest). */
function namesOf(store: ObjectStore, ref: StoredRef): string[] {
  return store.objectsOf(ref) ?? [ObjectStore.manifestName(ref.hash)];
}

const isManifest = (name: string) => name.endsWith(".dir");

function counter(total: number, direction: TransferProgress["direction"], options: TransferOptions) {
  const progress: TransferProgress = { direction, done: 0, total, bytes: 0 };
  options.onProgress?.({ ...progress });
  return (bytes: number) => {
    progress.done++;
    progress.bytes += bytes;
    options.onProgress?.({ ...progress });
  };
}

/**
 * Uploads what the lock (and the run cache) needs that the remote lacks. The order keeps the remote usable
 * if the push dies at any point: files first, then the directory manifests that name them, then the run
 * entries, each only once every object it names is there. The next push lists what is there and completes it.
 */
export async function push(options: TransferOptions = {}): Promise<Result<PushReport>> {
  return withRemote(options, async (workspace, remote) => {
    const { store } = workspace;
    await remote.check(true);
    const runCache = options.runCache ?? true;
    const jobs = options.jobs ?? remote.defaultJobs;
    const report: PushReport = {
      remote: remote.url,
      uploadedObjects: 0,
      uploadedBytes: 0,
      uploadedRuns: 0,
      missingLocally: 0,
      skippedRuns: 0,
    };
    const runs = runCache ? localRuns(workspace) : [];
    const wanted = lockReferences(workspace);
    for (const entry of runs)
      for (const output of entry.outputs) for (const name of namesOf(store, output)) wanted.add(name);

    const onRemote = await remote.list("objects");
    const toSend: { name: string; size: number }[] = [];
    for (const name of wanted) {
      const size = statSync(store.objectPath(name), { throwIfNoEntry: false })?.size;
      // A size that differs is an upload some other tool cut short: send it again.
      if (size !== undefined && onRemote.get(name)?.size === size) continue;
      if (size === undefined) {
        if (!onRemote.has(name)) report.missingLocally++;
        continue;
      }
      toSend.push({ name, size });
    }
    const sent = counter(toSend.length, "upload", options);
    for (const phase of [
      toSend.filter((o) => !isManifest(o.name)),
      toSend.filter((o) => isManifest(o.name)),
    ]) {
      await forEachLimit(phase, jobs, async ({ name, size }) => {
        await remote.upload("objects", name, store.objectPath(name), size);
        onRemote.set(name, { size, modifiedMs: Date.now() });
        report.uploadedObjects++;
        report.uploadedBytes += size;
        sent(size);
      });
    }

    if (runCache) {
      const remoteRuns = await remote.list("runs");
      const ready = runs.filter((entry) => {
        if (remoteRuns.has(`${entry.stage}/${entry.key}`)) return false;
        const complete = entry.outputs.every((output) =>
          namesOf(store, output).every((name) => onRemote.has(name)),
        );
        if (!complete) report.skippedRuns++;
        return complete;
      });
      await forEachLimit(ready, jobs, async (entry) => {
        const path = workspace.runs.entryPath(entry.stage, entry.key);
        await remote.upload("runs", `${entry.stage}/${entry.key}`, path, statSync(path).size);
        report.uploadedRuns++;
      });
    }
    return report;
  });
}

/** Downloads one object into the store; its content must match its name before it goes in. */
export async function fetchObject(remote: Remote, store: ObjectStore, name: string): Promise<number> {
  const temp = store.downloadPath(name);
  try {
    await remote.download("objects", name, temp);
    const size = statSync(temp).size;
    store.adopt(name, temp);
    return size;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Downloads one run entry into the run cache, if it parses and is the entry its name says. */
export async function fetchRunEntry(
  remote: Remote,
  workspace: Workspace,
  stage: string,
  key: string,
): Promise<boolean> {
  const target = workspace.runs.entryPath(stage, key);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.download-${process.pid}`;
  try {
    await remote.download("runs", `${stage}/${key}`, temp);
    const entry = JSON.parse(readFileSync(temp, "utf8")) as Partial<RunEntry>;
    if (entry.stage !== stage || entry.key !== key || !Array.isArray(entry.outputs)) return false;
    renameSync(temp, target);
    return true;
  } catch (error) {
    if (error instanceof SyntaxError) return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Fetches the objects `refs` need into the local cache: directory manifests first (they name the files),
 * then the files, `jobs` at once, each verified by its hash.
 */
export async function fetchRefs(
  workspace: Workspace,
  remote: Remote,
  refs: StoredRef[],
  options: TransferOptions & { onRemote?: Map<string, RemoteObject> },
  report: FetchReport,
): Promise<void> {
  const { store } = workspace;
  const jobs = options.jobs ?? remote.defaultJobs;
  const onRemote = options.onRemote ?? (await remote.list("objects"));
  const missing = new Set<string>();
  const get = async (names: Iterable<string>, progress: (bytes: number) => void) => {
    const unique = [...new Set(names)].filter((name) => !store.has(name));
    const available = unique.filter((name) => {
      if (onRemote.has(name)) return true;
      missing.add(name);
      return false;
    });
    await forEachLimit(available, jobs, async (name) => {
      const bytes = await fetchObject(remote, store, name);
      report.downloadedObjects++;
      report.downloadedBytes += bytes;
      progress(bytes);
    });
  };
  const manifests = refs
    .filter((ref) => ref.nfiles !== undefined)
    .map((ref) => ObjectStore.manifestName(ref.hash));
  await get(manifests, () => {});
  const files = refs.flatMap((ref) => (store.objectsOf(ref) ?? []).filter((name) => !isManifest(name)));
  const wanted = [...new Set(files)].filter((name) => !store.has(name) && onRemote.has(name));
  await get(files, counter(wanted.length, "download", options));
  report.missingOnRemote += missing.size;
}

/**
 * The run entries `pull` and `fetch` bring down: the ones recording the runs the lock describes (`stage/key`),
 * so a later `repro` here restores these stages when their inputs come back. The rest of the remote's run cache
 * (every other parameter value anybody tried) stays there: `repro --pull` asks for one entry when its inputs
 * match. (DVC's `pull --run-cache` downloads every entry of every stage, ignoring the targets: iterative/dvc#4223.)
 */
export function lockRuns(workspace: Workspace): { stage: string; key: string; name: string }[] {
  return [...workspace.lock].flatMap(([name, block]) => {
    const stage = workspace.pipeline.byName.get(name);
    if (!stage) return [];
    const key = lockedRunKey(stage, block);
    return [{ stage: name, key, name: `${name}/${key}` }];
  });
}

/** `fetch`: what the lock needs (and the run entries that recorded it), into the local cache only. */
async function fetchInto(
  workspace: Workspace,
  remote: Remote,
  options: TransferOptions,
): Promise<FetchReport> {
  await remote.check(false);
  const runCache = options.runCache ?? true;
  const report: FetchReport = {
    remote: remote.url,
    downloadedObjects: 0,
    downloadedBytes: 0,
    downloadedRuns: 0,
    missingOnRemote: 0,
  };
  const refs: StoredRef[] = [...workspace.lock.values()].flatMap((block) => lockedOutputs(block));
  if (runCache) {
    const onRemote = await remote.list("runs");
    const runs = lockRuns(workspace);
    const missing = runs.filter(
      (run) => onRemote.has(run.name) && !workspace.runs.lookup(run.stage, run.key),
    );
    await forEachLimit(missing, options.jobs ?? remote.defaultJobs, async ({ stage, key }) => {
      if (await fetchRunEntry(remote, workspace, stage, key)) report.downloadedRuns++;
    });
    // The same outputs as the lock's, unless the stage is not deterministic and another machine's run went up.
    for (const { stage, key } of runs) refs.push(...(workspace.runs.lookup(stage, key)?.outputs ?? []));
  }
  await fetchRefs(workspace, remote, refs, options, report);
  return report;
}

export async function fetch(options: TransferOptions = {}): Promise<Result<FetchReport>> {
  return withRemote(options, async (workspace, remote) => {
    const release = await acquireWorkspaceLock(workspace.paths, "fetch");
    try {
      return await fetchInto(workspace, remote, options);
    } finally {
      release();
    }
  });
}

/** Fetches what the lock (and the run entries that recorded it) needs, then restores outputs missing from the workspace. */
export async function pull(options: TransferOptions = {}): Promise<Result<PullReport>> {
  return withRemote(options, async (workspace, remote) => {
    const release = await acquireWorkspaceLock(workspace.paths, "pull");
    try {
      const fetched = await fetchInto(workspace, remote, options);
      const report: PullReport = { ...fetched, restoredOutputs: [] };
      const { store } = workspace;
      for (const block of workspace.lock.values()) {
        for (const output of lockedOutputs(block)) {
          if (existsSync(resolve(workspace.root, output.path)) || !store.canRestore(output)) continue;
          store.restore(workspace.root, output.path, output);
          report.restoredOutputs.push(output.path);
        }
      }
      return report;
    } finally {
      release();
    }
  });
}
