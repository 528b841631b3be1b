// Starts real servers for the tests, on an ephemeral 127.0.0.1 port: in this process (startServer, fast) or as a
// child process running serve/main.ts (for signals and exit codes). Plus a small JSON HTTP client.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parseConfig } from "../../../serve/config.js";
import { type RunningServer, startServer } from "../../../serve/server.js";
import { runToExit, startChild as startChildProcess } from "../../support/child-process.js";

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tabula-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    SERVE_HOST: "127.0.0.1",
    SERVE_PORT: "0",
    SERVE_INFERENCE_WORKERS: "1",
    SERVE_ALIAS_POLL_MS: "0",
    SERVE_ACCESS_LOG: "false",
    LOG_LEVEL: "silent",
    ...overrides,
  };
}

export async function startInProcess(env: Record<string, string>): Promise<RunningServer> {
  const parsed = parseConfig(testEnv(env));
  if (!parsed.ok) throw new Error(parsed.error.problems.join("\n"));
  const started = await startServer(parsed.value, pino({ level: parsed.value.LOG_LEVEL }));
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  return started.value;
}

/** Serves `model` in this process, its data in a temporary folder, for the length of `use`. */
export async function withServedModel<T>(
  model: string,
  use: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const temp = tempDir("served");
  try {
    const server = await startInProcess({ SERVE_MODEL: model, SERVE_DATA_DIR: join(temp.dir, "data") });
    try {
      return await use(server);
    } finally {
      await server.shutdown("test over");
    }
  } finally {
    temp.remove();
  }
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const SERVE_MAIN = ["--import", "tsx", "serve/main.ts"];
const childEnv = (env: Record<string, string>) => ({
  ...process.env,
  ...testEnv({ LOG_LEVEL: "info", ...env }),
});

/** Runs serve/main.ts in a child process; resolves once it logs "listening" (or rejects with its output). */
export function startChild(env: Record<string, string>): Promise<ChildServer> {
  const server = startChildProcess(process.execPath, SERVE_MAIN, childEnv(env));
  const { process: child, output, exitCode: exited } = server;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within 30 s:\n${output()}`));
    }, 30_000);
    // Registered after the child's own output collector, so output() already holds the chunk.
    child.stdout?.on("data", () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, output, exited });
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output()}`)));
  });
}

/** Runs serve/main.ts expecting it to fail at start; resolves with its exit code and output. */
export async function runChildToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { code, output } = await runToExit(process.execPath, SERVE_MAIN, 20_000, childEnv(env));
  return { code, output };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** A raw POST over node:http with a keep-alive agent: much cheaper per request than fetch, for load and fuzzing. */
export function rawPost(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function request(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const errorOf = (response: JsonResponse) =>
  (response.body as { error: { code: string; message: string; field?: string; row?: number } }).error;
