// Notebooks run from the project root, like the stages: relative paths in params.yaml and the pipeline's file
// layout then mean the same thing in a notebook as in `tabula repro`.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The nearest directory at or above `start` holding params.yaml. */
export function findProjectRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "params.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(
        `no params.yaml in ${resolve(start)} or any directory above it: open a notebook inside the project`,
      );
    dir = parent;
  }
}

/** Changes the working directory to the project root (once; later calls are no-ops) and returns it. */
export function useProjectRoot(start = process.cwd()): string {
  const root = findProjectRoot(start);
  if (process.cwd() !== root) process.chdir(root);
  return root;
}
