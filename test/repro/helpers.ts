// Shared by the engine's tests: temp pipelines with toy `sh -c` stages, the API with its events captured, and
// the real CLI as a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReproEvent, StageOutcome } from "../../src/repro/events.js";
import { type ReproOptions, type ReproResult, repro } from "../../src/repro/repro.js";

export const engineRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const created: string[] = [];

/** A temp directory holding `files` (paths relative to it). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tabula-repro-"));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}

export function removeProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Run {
  result: ReproResult;
  outcomes: Map<string, StageOutcome>;
  /** Stage names by what happened to them. */
  ran: string[];
  restored: string[];
  skipped: string[];
  failed: string[];
  events: ReproEvent[];
}

/** Runs `repro` through the API, without touching the test process's signal handlers. */
export async function runRepro(dir: string, options: ReproOptions = {}): Promise<Run> {
  const events: ReproEvent[] = [];
  const result = await repro({
    cwd: dir,
    handleSignals: false,
    jobs: 2,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  const outcomes = new Map(result.stages.map(({ stage, outcome }) => [stage, outcome]));
  const named = (kind: StageOutcome["kind"]) =>
    result.stages.filter((s) => s.outcome.kind === kind).map((s) => s.stage);
  return {
    result,
    outcomes,
    ran: named("ran"),
    restored: named("restored"),
    skipped: named("up-to-date"),
    failed: named("failed"),
    events,
  };
}

export type CliProcess = ChildProcess & {
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Exit code and signal, once the process has exited and its output is complete. */
  closed: Promise<[number | null, NodeJS.Signals | null]>;
};

/** The real `tabula` CLI (TypeScript sources through tsx), run in `dir`. */
export function startCli(dir: string, args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      join(engineRoot, "node_modules/tsx/dist/loader.mjs"),
      join(engineRoot, "src/cli/main.ts"),
      ...args,
    ],
    { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("close", (code, signal) => resolve([code, signal])),
  );
  return Object.assign(child, { output: () => output, closed });
}

export async function cli(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = startCli(dir, args, env);
  const [code, signal] = await child.closed;
  return { code, signal, output: child.output() };
}

/** Resolves when `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
