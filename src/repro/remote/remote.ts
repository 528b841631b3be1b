/** What a remote holds: cached objects (`ab…` names as in the local store) and run-cache entries (`stage/key`). */
export type RemoteSection = "objects" | "runs";

/**
 * A place to share the cache: CI, teammates, another machine. Everything is content-addressed or keyed by
 * inputs, so uploads never conflict and nothing on a remote is ever rewritten. An S3 remote implements the same
 * four calls (ListObjectsV2 under a prefix, PutObject, GetObject).
 */
export interface Remote {
  readonly url: string;
  /** Names present in a section. */
  list(section: RemoteSection): Promise<Set<string>>;
  /** Uploads a local file under `name`; must be atomic (readers never see a partial object). */
  upload(section: RemoteSection, name: string, localFile: string): Promise<void>;
  /** Downloads `name` to `localFile` (which the caller then moves into place). */
  download(section: RemoteSection, name: string, localFile: string): Promise<void>;
}
