import { execFileSync } from "node:child_process";

const git = (args: string[]) =>
  execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

/**
 * The git revision an artifact's inputs come from: the last commit that touched any of `paths` (the stage's
 * declared deps; only the ones git tracks count), with "-dirty" when a tracked one differs from it. Not HEAD:
 * HEAD moves with every commit, including the one that records pipeline.lock, so an artifact stamped with HEAD
 * could never be rebuilt byte-identical from a fresh clone. Without `paths`, the whole tree; "untracked" when git
 * tracks none of them; "unknown" outside git.
 */
export function sourceRevision(paths?: readonly string[]): string {
  const scope = paths && paths.length > 0 ? ["--", ...paths] : [];
  try {
    const commit = git(["log", "-1", "--format=%H", "HEAD", ...scope]);
    // None of the paths is in git: no commit describes them, and HEAD would change with every commit.
    if (commit === "") return "untracked";
    const changes = git(["status", "--porcelain", "--untracked-files=no", ...scope]);
    return changes === "" ? commit : `${commit}-dirty`;
  } catch {
    return "unknown";
  }
}

/** The deps the pipeline engine declared for the running stage (TABULA_STAGE_DEPS), if it ran us. */
export function declaredDeps(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.TABULA_STAGE_DEPS;
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}
