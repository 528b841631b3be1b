import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ObjectStore } from "../cache/object-store.js";
import { err, formatError, ok, type Result, toReproError } from "../errors.js";
import { lockReferences } from "../gc.js";
import { acquireWorkspaceLock } from "../run/workspace-lock.js";
import { lockedOutputs } from "../snapshot.js";
import { openWorkspace, type Workspace } from "../workspace.js";
import { DirectoryRemote } from "./directory-remote.js";
import type { Remote } from "./remote.js";

export interface TransferOptions {
  cwd?: string;
  /** A directory path or file:// URL; default: TABULA_REMOTE, then `remote:` in pipeline.yaml. */
  remote?: string;
  /** Also transfer run-cache entries and their objects (default true). */
  runCache?: boolean;
  cacheDir?: string;
}

export interface PushReport {
  remote: string;
  uploadedObjects: number;
  uploadedRuns: number;
  /** Objects the lock refers to that are not in the local cache (outputs never run here). */
  missingLocally: number;
}

export interface PullReport {
  remote: string;
  downloadedObjects: number;
  downloadedRuns: number;
  /** Outputs that were missing from the workspace and have been restored from the cache. */
  restoredOutputs: string[];
  /** Objects the lock refers to that the remote does not have either. */
  missingOnRemote: number;
}

/** Resolves a remote spec: a directory (absolute, or relative to the pipeline) or a file:// URL. */
export async function openRemote(spec: string, root: string): Promise<Result<DirectoryRemote>> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) && !spec.startsWith("file://")) {
    return err({
      kind: "remote",
      url: spec,
      message:
        "only directory remotes are supported (a path or file:// URL); S3 and others implement src/repro/remote/remote.ts",
    });
  }
  const dir = spec.startsWith("file://")
    ? fileURLToPath(spec)
    : isAbsolute(spec)
      ? spec
      : resolve(root, spec);
  return ok(new DirectoryRemote(spec, dir));
}

function remoteSpec(workspace: Workspace, explicit: string | undefined): Result<string> {
  const spec = explicit ?? process.env.TABULA_REMOTE ?? workspace.pipeline.remote;
  if (!spec) {
    return err({
      kind: "usage",
      message: "no remote: pass --remote <dir>, set TABULA_REMOTE, or add `remote: <dir>` to pipeline.yaml",
    });
  }
  return ok(spec);
}

/** Objects needed by the lock and (optionally) by every local run entry. */
function wantedObjects(workspace: Workspace, runCache: boolean): Set<string> {
  const names = lockReferences(workspace);
  if (runCache) {
    for (const record of workspace.runs.list()) {
      for (const output of workspace.runs.lookup(record.stage, record.key)?.outputs ?? []) {
        for (const name of workspace.store.objectsOf(output) ?? [ObjectStore.manifestName(output.hash)]) {
          names.add(name);
        }
      }
    }
  }
  return names;
}

/** The workspace, the remote's spec as given, and the remote itself. */
async function openBoth(
  options: TransferOptions,
): Promise<Result<{ workspace: Workspace; spec: string; remote: DirectoryRemote }>> {
  const opened = await openWorkspace(resolve(options.cwd ?? process.cwd()), options.cacheDir);
  if (!opened.ok) return opened;
  const spec = remoteSpec(opened.value, options.remote);
  if (!spec.ok) return spec;
  const remote = await openRemote(spec.value, opened.value.root);
  if (!remote.ok) return remote;
  return ok({ workspace: opened.value, spec: spec.value, remote: remote.value });
}

export async function push(options: TransferOptions = {}): Promise<Result<PushReport>> {
  const opened = await openBoth(options);
  if (!opened.ok) return opened;
  const { workspace, remote, spec } = opened.value;
  try {
    const runCache = options.runCache ?? true;
    const report: PushReport = { remote: spec, uploadedObjects: 0, uploadedRuns: 0, missingLocally: 0 };
    const present = await remote.list("objects");
    for (const name of wantedObjects(workspace, runCache)) {
      if (present.has(name)) continue;
      if (!workspace.store.has(name)) {
        report.missingLocally++;
        continue;
      }
      await remote.upload("objects", name, workspace.store.objectPath(name));
      report.uploadedObjects++;
    }
    if (runCache) {
      const remoteRuns = await remote.list("runs");
      for (const record of workspace.runs.list()) {
        const name = `${record.stage}/${record.key}`;
        if (remoteRuns.has(name)) continue;
        await remote.upload("runs", name, workspace.runs.entryPath(record.stage, record.key));
        report.uploadedRuns++;
      }
    }
    return ok(report);
  } catch (thrown) {
    return err({ kind: "remote", url: spec, message: formatError(toReproError(thrown)) });
  }
}

async function fetchObject(remote: Remote, store: ObjectStore, name: string): Promise<void> {
  const temp = store.downloadPath(name);
  try {
    await remote.download("objects", name, temp);
    store.adopt(name, temp);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Fetches what the lock (and the run cache) needs, then restores outputs missing from the workspace. */
export async function pull(options: TransferOptions = {}): Promise<Result<PullReport>> {
  const opened = await openBoth(options);
  if (!opened.ok) return opened;
  const { workspace, remote, spec } = opened.value;
  if (!(await remote.exists())) {
    return err({ kind: "remote", url: spec, message: "directory does not exist" });
  }
  const release = await acquireWorkspaceLock(workspace.paths, "pull");
  try {
    const { store, runs } = workspace;
    const runCache = options.runCache ?? true;
    const report: PullReport = {
      remote: spec,
      downloadedObjects: 0,
      downloadedRuns: 0,
      restoredOutputs: [],
      missingOnRemote: 0,
    };
    if (runCache) {
      const local = new Set(runs.list().map((record) => `${record.stage}/${record.key}`));
      for (const name of await remote.list("runs")) {
        if (local.has(name)) continue;
        const [stage = "", key = ""] = name.split("/");
        const target = runs.entryPath(stage, key);
        mkdirSync(dirname(target), { recursive: true });
        await remote.download("runs", name, `${target}.download`);
        renameSync(`${target}.download`, target);
        report.downloadedRuns++;
      }
    }
    const onRemote = await remote.list("objects");
    const get = async (name: string) => {
      if (store.has(name)) return true;
      if (!onRemote.has(name)) return false;
      await fetchObject(remote, store, name);
      report.downloadedObjects++;
      return true;
    };
    // Directory manifests first: they name the file objects to fetch.
    const refs = [...workspace.lock.values()].flatMap((block) => lockedOutputs(block));
    if (runCache) {
      for (const record of runs.list()) refs.push(...(runs.lookup(record.stage, record.key)?.outputs ?? []));
    }
    for (const ref of refs) {
      if (ref.nfiles !== undefined && !(await get(ObjectStore.manifestName(ref.hash)))) {
        report.missingOnRemote++;
        continue;
      }
      for (const name of store.objectsOf(ref) ?? []) {
        if (!(await get(name))) report.missingOnRemote++;
      }
    }
    for (const block of workspace.lock.values()) {
      for (const output of lockedOutputs(block)) {
        if (existsSync(resolve(workspace.root, output.path)) || !store.canRestore(output)) continue;
        store.restore(workspace.root, output.path, output);
        report.restoredOutputs.push(output.path);
      }
    }
    return ok(report);
  } catch (thrown) {
    return err({ kind: "remote", url: spec, message: formatError(toReproError(thrown)) });
  } finally {
    release();
  }
}
