import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { signalGroup } from "../../fs/process-identity.js";

export type OutputStream = "stdout" | "stderr";

/**
 * The environment stage commands see: like npm scripts, node_modules/.bin (here and above) comes first on PATH.
 * TABULA_STAGE names the stage and TABULA_STAGE_DEPS lists its declared deps (a JSON array of paths), so a stage
 * can describe its own inputs (e.g. the git revision they were last committed at) without reading pipeline.yaml.
 */
export function stageEnvironment(
  root: string,
  stage: string,
  deps: readonly string[],
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const bins: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin");
    if (existsSync(bin)) bins.push(bin);
    if (dirname(dir) === dir) break;
  }
  const path = [...bins, process.env.PATH ?? ""].filter(Boolean).join(delimiter);
  return {
    ...process.env,
    ...extra,
    PATH: path,
    TABULA_STAGE: stage,
    TABULA_STAGE_DEPS: JSON.stringify(deps),
  };
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Splits a byte stream into lines (UTF-8 safe), holding back a partial last line until more data or the end. */
function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return {
    write(chunk) {
      pending += decoder.write(chunk);
      let newline = pending.indexOf("\n");
      while (newline !== -1) {
        onLine(pending.slice(0, newline).replace(/\r$/, ""));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    },
    end() {
      pending += decoder.end();
      if (pending !== "") onLine(pending);
      pending = "";
    },
  };
}

/**
 * Waits for one line on stdin before it becomes the command (exec: same process, same group), and exits without
 * running it when stdin ends first: a repro killed between starting the process and recording it in the stage's
 * journal leaves no command running that the next repro could not find and stop.
 */
const HELD_START = 'IFS= read -r _ || exit 125; exec sh -c "$1"';

/**
 * A stage command: `sh -c <command>` in the pipeline root, in a process group of its own so a signal reaches the
 * shell and everything it started. It starts once `release()` is called (its process, and so its pid, exist
 * before: record them first); its stdin then ends. Output arrives line by line.
 */
export class RunningCommand {
  readonly child: ChildProcess;
  readonly done: Promise<CommandResult>;

  constructor(
    command: string,
    options: { cwd: string; env: NodeJS.ProcessEnv; onLine: (stream: OutputStream, line: string) => void },
  ) {
    this.child = spawn("sh", ["-c", HELD_START, "tabula-stage", command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    // A process that failed to start or already exited closes the pipe; `done` reports what happened.
    this.child.stdin?.on("error", () => {});
    const out = lineSplitter((line) => options.onLine("stdout", line));
    const err = lineSplitter((line) => options.onLine("stderr", line));
    this.child.stdout?.on("data", (chunk: Buffer) => out.write(chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => err.write(chunk));
    this.done = new Promise((resolve) => {
      this.child.on("error", (error) => {
        options.onLine("stderr", `cannot start sh: ${error.message}`);
        resolve({ exitCode: 127, signal: null });
      });
      this.child.on("close", (exitCode, signal) => {
        out.end();
        err.end();
        resolve({ exitCode, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Lets the command run (it waits until then). */
  release(): void {
    this.child.stdin?.end("\n");
  }

  /** Sends `signal` to the command's whole process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined) signalGroup(this.child.pid, signal);
  }
}
