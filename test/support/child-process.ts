// A long-running child process for the deploy tests (a server, Prometheus): its output collected for messages, and
// a stop that sends SIGTERM, then SIGKILL if it lingers, and resolves once it has exited.
import { type ChildProcess, spawn } from "node:child_process";

export type Child = {
  process: ChildProcess;
  output: () => string;
  exited: () => boolean;
  stop: () => Promise<void>;
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
  const exit = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    await exit;
    clearTimeout(timer);
  };
  return { process: child, output: () => output, exited: () => exited, stop };
}

/** Runs a command to its end (killed after `timeoutMs`); its exit code and what it printed. */
export async function runToExit(
  command: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
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
