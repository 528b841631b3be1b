import { spawnSync } from "node:child_process";
import { err, ok, type Result } from "../errors.js";
import type { LockedStages } from "../lock.js";
import { LOCK_FILE } from "../spec/stage.js";

/** Which git revisions' locks gc keeps, besides the workspace's own. */
export interface RevisionScope {
  /** The tip of every local branch. */
  allBranches?: boolean;
  /** Every commit reachable from any ref. */
  allCommits?: boolean;
}

function git(root: string, args: string[], input?: string): Result<Buffer> {
  const result = spawnSync("git", args, { cwd: root, input, maxBuffer: 1 << 30 });
  if (result.error || result.status !== 0) {
    return err({
      kind: "git-failed",
      command: `git ${args.join(" ")}`,
      detail: (result.error?.message ?? result.stderr.toString()).trim(),
    });
  }
  return ok(result.stdout);
}

/**
 * pipeline.lock as every revision in `scope` has it, each distinct version once. One `git cat-file --batch`
 * reads them all, so `--all-commits` over a long history stays one process.
 */
export async function locksAtRevisions(root: string, scope: RevisionScope): Promise<Result<LockedStages[]>> {
  if (!scope.allBranches && !scope.allCommits) return ok([]);
  const prefix = git(root, ["rev-parse", "--show-prefix"]);
  if (!prefix.ok) return err({ kind: "not-a-git-repo", dir: root });
  const listed = scope.allCommits
    ? git(root, ["rev-list", "--all"])
    : git(root, ["for-each-ref", "--format=%(objectname)", "refs/heads/"]);
  if (!listed.ok) return listed;
  const commits = listed.value.toString().split("\n").filter(Boolean);
  if (commits.length === 0) return ok([]);
  const path = `${prefix.value.toString().trim()}${LOCK_FILE}`;
  const batch = git(root, ["cat-file", "--batch"], commits.map((commit) => `${commit}:${path}\n`).join(""));
  if (!batch.ok) return batch;
  const { parseLock } = await import("../lock-file.js");
  const out = batch.value;
  const seen = new Set<string>();
  const locks: LockedStages[] = [];
  for (let offset = 0; offset < out.length; ) {
    const end = out.indexOf(10, offset);
    const header = out.subarray(offset, end).toString();
    offset = end + 1;
    const match = /^([0-9a-f]+) blob (\d+)$/.exec(header);
    if (!match) continue; // "<rev>:<path> missing": that commit has no lock
    const size = Number(match[2]);
    const text = out.subarray(offset, offset + size).toString();
    offset += size + 1;
    if (seen.has(match[1] ?? "")) continue;
    seen.add(match[1] ?? "");
    const parsed = parseLock(text);
    // A lock some old commit broke cannot name anything to keep; it must not stop gc.
    if (parsed.ok) locks.push(parsed.value);
  }
  return ok(locks);
}
