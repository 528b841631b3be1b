// An isolated copy of a pipeline workspace, for running it with other params without touching the user's files:
// the files git would commit (tracked and untracked-but-not-ignored, as they are on disk now, uncommitted edits
// included), plus any declared dep that git ignores and no stage produces (a downloaded dataset, say). Stage
// outputs are not copied: the engine restores them from the shared run cache when their inputs match.
import { spawnSync } from "node:child_process";
import {
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export interface WorkspaceCopy {
  dir: string;
  /** Files copied (relative paths). */
  files: number;
  remove(): void;
}

/** Directories never copied: the engine's state, git's, and installed packages (linked instead). */
const SKIPPED = new Set([".git", ".repro", "node_modules"]);

/**
 * Copies `root` into `into` (created; must not exist). `extraPaths` (relative files or directories, e.g. the
 * pipeline's declared deps) are copied too when they exist, even if git ignores them.
 */
export function copyWorkspace(root: string, into: string, extraPaths: string[] = []): WorkspaceCopy {
  mkdirSync(into, { recursive: true });
  const files = new Set(gitFiles(root) ?? walk(root, root));
  for (const extra of extraPaths) {
    const absolute = join(root, extra);
    if (!existsSync(absolute)) continue;
    if (statSync(absolute).isDirectory()) for (const file of walk(root, absolute)) files.add(file);
    else files.add(extra);
  }
  let copied = 0;
  for (const file of [...files].sort()) {
    const source = join(root, file);
    const stats = lstatSync(source, { throwIfNoEntry: false });
    // Listed by git but deleted on disk: the copy mirrors the disk.
    if (!stats || stats.isDirectory()) continue;
    const target = join(into, file);
    mkdirSync(dirname(target), { recursive: true });
    // Reflinks where the filesystem has them (copy-on-write), a plain copy otherwise; modes are kept.
    copyFileSync(source, target, constants.COPYFILE_FICLONE);
    copied++;
  }
  const modules = join(root, "node_modules");
  if (existsSync(modules) && !existsSync(join(into, "node_modules")))
    symlinkSync(modules, join(into, "node_modules"), "dir");
  return {
    dir: into,
    files: copied,
    remove: () => rmSync(into, { recursive: true, force: true }),
  };
}

/** Tracked and untracked-not-ignored files, or undefined outside a git work tree. */
function gitFiles(root: string): string[] | undefined {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (listed.status !== 0) return undefined;
  return listed.stdout
    .split("\0")
    .filter((file) => file !== "")
    .filter((file) => !SKIPPED.has(file.split("/")[0] as string));
}

function walk(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(root, path));
    else found.push(relative(root, path).split(sep).join("/"));
  }
  return found;
}
