// A real tabula server (serve/main.ts) in a child process on 127.0.0.1, for the deploy tests. Readiness is polled on
// /readyz rather than read from the logs (pino buffers them when stdout is a pipe).
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { type Child, startChild } from "../../support/child-process.js";

export type RunningServer = {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: Child["stop"];
};

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function waitForReady(
  url: string,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/readyz not ready within ${timeoutMs} ms`);
}

export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort();
  const child = startChild(process.execPath, ["--import", "tsx", "serve/main.ts"], {
    ...process.env,
    SERVE_HOST: "127.0.0.1",
    SERVE_PORT: String(port),
    SERVE_INFERENCE_WORKERS: "1",
    SERVE_ALIAS_POLL_MS: "0",
    SERVE_ACCESS_LOG: "false",
    LOG_LEVEL: "warn",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(url, timeoutMs, () => !child.exited());
  } catch (error) {
    await child.stop();
    throw new Error(`${(error as Error).message}; server output:\n${child.output()}`);
  }
  return { url, port, child: child.process, output: child.output, stop: child.stop };
}
