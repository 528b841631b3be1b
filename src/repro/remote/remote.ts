/** What a remote holds: cached objects (`ab…` names as in the local store) and run-cache entries (`stage/key`). */
export type RemoteSection = "objects" | "runs";

/** What a listing says about one stored name. */
export interface RemoteObject {
  size: number;
  /** When it was written (gc --remote keeps the most recent run entries). */
  modifiedMs: number;
}

/**
 * A place to share the cache: CI, teammates, another machine. Everything is content-addressed or keyed by
 * inputs, so uploads never conflict and nothing on a remote is ever rewritten. The layout is the local cache's:
 * `objects/ab/cdef…` and `runs/<stage>/<key>.json` under the remote's root (a directory, or a bucket prefix).
 */
export interface Remote {
  /** How the user named it (a remote's name, a URL or a path), for messages. */
  readonly url: string;
  /** Transfers to run at once when the user does not say (`--jobs`). */
  readonly defaultJobs: number;
  /** Fails with a one-line reason when the remote cannot be used (missing bucket or directory, credentials); a
   * directory remote is created for writing. */
  check(forWriting: boolean): Promise<void>;
  /** Names present in a section, with their sizes: one listing, never a request per object. */
  list(section: RemoteSection): Promise<Map<string, RemoteObject>>;
  /** Uploads a local file under `name`; atomic (readers never see a partial object). */
  upload(section: RemoteSection, name: string, localFile: string, size: number): Promise<void>;
  /** Downloads `name` to `localFile` (which the caller verifies, then moves into place). */
  download(section: RemoteSection, name: string, localFile: string): Promise<void>;
  /** Deletes objects (gc --remote); names that are gone already are fine. */
  remove(section: RemoteSection, names: string[]): Promise<void>;
  /** Releases connections. */
  close(): void;
}

/** Where `name` lives under a remote's root, as a relative slash path. */
export function remoteKey(section: RemoteSection, name: string): string {
  return section === "objects" ? `objects/${name.slice(0, 2)}/${name.slice(2)}` : `runs/${name}.json`;
}

/** The inverse of `remoteKey` (undefined for anything that is not ours: temp files, other tools' keys). */
export function nameOfKey(section: RemoteSection, key: string): string | undefined {
  if (section === "objects") {
    const match = /^objects\/([0-9a-z]{2})\/([^/]+)$/.exec(key);
    return match && !match[2]?.includes(".tmp-") ? `${match[1]}${match[2]}` : undefined;
  }
  const match = /^runs\/([^/]+)\/([^/]+)\.json$/.exec(key);
  return match ? `${match[1]}/${match[2]}` : undefined;
}
