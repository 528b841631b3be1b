import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { err, ok, type Result } from "../errors.js";

function git(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 256 << 20 });
  if (result.error) return { status: 127, stdout: "", stderr: result.error.message };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves a revision to a commit, with a clear error for non-repos, unknown revisions and shallow clones. */
export function resolveRevision(root: string, revision: string): Result<string> {
  const inside = git(root, ["rev-parse", "--is-inside-work-tree"]);
  if (inside.status === 127) return err({ kind: "git-failed", command: "git", detail: inside.stderr.trim() });
  if (inside.status !== 0 || inside.stdout.trim() !== "true")
    return err({ kind: "not-a-git-repo", dir: root });
  const resolved = git(root, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]);
  if (resolved.status === 0) return ok(resolved.stdout.trim());
  const shallow = git(root, ["rev-parse", "--is-shallow-repository"]).stdout.trim() === "true";
  const hasCommits = git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]).status === 0;
  return err({
    kind: "git-revision",
    revision,
    shallow,
    detail: hasCommits ? "no such commit, branch or tag" : "the repository has no commits yet",
  });
}

/** A file's content at a commit (`path` relative to `root`), or null if it did not exist there. */
export function showAtRevision(root: string, commit: string, path: string): Result<string | null> {
  const shown = git(root, ["show", `${commit}:./${path}`]);
  if (shown.status === 0) return ok(shown.stdout);
  if (/does not exist in|exists on disk, but not in|bad revision|invalid object name/i.test(shown.stderr)) {
    return ok(null);
  }
  return err({
    kind: "git-failed",
    command: `git show ${commit.slice(0, 12)}:./${path}`,
    detail: shown.stderr.trim(),
  });
}

/** What a review diff compares: the workspace and a git revision, resolved to its commit. */
export interface DiffBase {
  root: string;
  revision: string;
  commit: string;
}

/** What a review diff is asked for: `all` keeps unchanged values too. */
export interface DiffOptions {
  cwd?: string;
  revision?: string;
  all?: boolean;
}

/** The workspace (`cwd`, default the current folder) and the revision (default HEAD) a diff compares it with. */
export function diffBase(options: DiffOptions): Result<DiffBase> {
  const root = resolve(options.cwd ?? process.cwd());
  const revision = options.revision ?? "HEAD";
  const commit = resolveRevision(root, revision);
  return commit.ok ? ok({ root, revision, commit: commit.value }) : commit;
}

/** A workspace file's text at the base commit and in the workspace now; null where it does not exist. */
export function bothSides(
  base: DiffBase,
  path: string,
): Result<{ before: string | null; after: string | null }> {
  const shown = showAtRevision(base.root, base.commit, path);
  if (!shown.ok) return shown;
  return ok({ before: shown.value, after: readOrNull(join(base.root, path)) });
}

export function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
