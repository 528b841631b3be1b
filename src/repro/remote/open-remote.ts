import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { err, ok, type Result } from "../errors.js";
import { DirectoryRemote } from "./directory-remote.js";
import type { Remote } from "./remote.js";
import { readConfig } from "./remote-config.js";

/** Which remote to use and how: a configured name's settings, or a bare URL or path. */
export interface RemoteChoice {
  /** What the user named (a remote's name, a URL or a path), for messages. */
  label: string;
  url: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  profile?: string;
  jobs?: number;
}

/**
 * The remote to use: `explicit` (--remote), then $TABULA_REMOTE, then the config's default (`core.remote`,
 * the local config first), then `remote:` in pipeline.yaml. Each may be a configured remote's name or a
 * URL/path.
 */
export function chooseRemote(
  root: string,
  explicit: string | undefined,
  pipelineRemote: string | undefined,
): Result<RemoteChoice> {
  const config = readConfig(root);
  if (!config.ok) return config;
  const spec = explicit || process.env.TABULA_REMOTE || config.value.core?.remote || pipelineRemote;
  if (!spec) {
    return err({
      kind: "usage",
      message:
        "no remote: pass --remote <name|url|dir>, set TABULA_REMOTE, or `tabula remote add NAME URL --default`",
    });
  }
  const entry = config.value.remotes?.[spec];
  if (!entry) return ok({ label: spec, url: spec });
  if (!entry.url) {
    return err({
      kind: "usage",
      message: `remote "${spec}" has no url (tabula remote modify ${spec} url URL)`,
    });
  }
  return ok({
    label: spec,
    url: entry.url,
    endpoint: entry.endpoint,
    region: entry.region,
    forcePathStyle: entry.force_path_style,
    profile: entry.profile,
    jobs: entry.jobs,
  });
}

/** Opens a chosen remote: s3://bucket/prefix, a file:// URL, or a directory (relative to the pipeline). */
export async function openRemote(choice: RemoteChoice, root: string): Promise<Result<Remote>> {
  const { url, label } = choice;
  if (url.startsWith("s3://")) {
    const { S3Remote } = await import("./s3-remote.js");
    const parsed = S3Remote.parse(url);
    if (!parsed) return err({ kind: "remote", url: label, message: "expected s3://bucket/prefix" });
    const endpoint = choice.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    return ok(
      new S3Remote(label, parsed.bucket, parsed.prefix, {
        endpoint,
        region: choice.region,
        // Self-hosted stores (MinIO, Ceph) rarely have per-bucket DNS names.
        forcePathStyle: choice.forcePathStyle ?? endpoint !== undefined,
        profile: choice.profile,
        jobs: choice.jobs,
      }),
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith("file://")) {
    return err({
      kind: "remote",
      url: label,
      message: "unsupported scheme; a remote is s3://bucket/prefix, a directory or a file:// URL",
    });
  }
  const dir = url.startsWith("file://") ? fileURLToPath(url) : isAbsolute(url) ? url : resolve(root, url);
  return ok(new DirectoryRemote(label, dir));
}
