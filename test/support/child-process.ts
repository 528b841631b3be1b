// A child process for the tests (a server, Prometheus, npm, a script): its output collected for messages, and either
// a stop that sends a signal, then SIGKILL if it lingers, or a run to its end. However the test ends, a started
// child does not outlive it.
import { type ChildProcess, spawn } from "node:child_process";

export type Child = {
  process: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output: () => string;
  exited: () => boolean;
  /** Its exit code (null when a signal ended it), once it has exited. */
  exitCode: Promise<number | null>;
  /** Sends `signal`, then SIGKILL after `killAfterMs`; resolves once it has exited. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; killed: boolean }>;
};

export function startChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  killAfterMs = 15_000,
): Child {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  const exitCode = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  void exitCode.then(() => process.off("exit", reap));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!exited) child.kill(signal);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, killAfterMs);
    const code = await exitCode;
    clearTimeout(timer);
    return { code, killed };
  };
  return { process: child, output: () => output, exited: () => exited, exitCode, stop };
}

/** Runs a command to its end (killed after `timeoutMs`); its exit code and what it printed. */
export async function runToExit(
  command: string,
  args: string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    output += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, output };
}
