// The tabula CLI as a user runs it, from source (src/cli/main.ts through tsx) in a child process, to its end, with
// colours off. Its object store and run cache are the workspace's own: a shared one ($TABULA_CACHE_DIR) would restore
// stages instead of running them.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = import.meta.resolve("tsx");

export interface TabulaRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  output: string;
}

export function runTabula(cwd: string, args: string[]): TabulaRun {
  const run = spawnSync(process.execPath, ["--import", TSX, join(ROOT, "src/cli/main.ts"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", TABULA_CACHE_DIR: join(cwd, ".repro/cache") },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, output: `${run.stdout}${run.stderr}` };
}
