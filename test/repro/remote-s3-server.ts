// A real S3 server for the remote tests and the benchmark: s3rver (S3 REST API, SigV4-checked) on 127.0.0.1 with a
// free port, storing into a temp dir, in a child process (see remote-s3-server-process.mjs for why, and for the
// OpenSSL flag it needs). The SDK is pointed at it through the environment it reads anyway.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface S3Server {
  endpoint: string;
  port: number;
  /** Where the server keeps its buckets. */
  directory: string;
  /** Credentials s3rver accepts, as the AWS SDK's environment variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** SIGKILL: the server dies mid-request, as a crashed store would (restart it on `directory`). */
  kill(): Promise<void>;
}

export const S3_ENV = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
};

const serverMain = new URL("./remote-s3-server-process.mjs", import.meta.url).pathname;

/** Starts a server with `buckets` created; `directory` reuses an earlier server's data (a restart). */
export async function startS3Server(buckets: string[], directory?: string): Promise<S3Server> {
  const dir = directory ?? mkdtempSync(join(tmpdir(), "tabula-s3-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", serverMain, dir, ...buckets], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line).port));
  });
  // With TABULA_S3_VERBOSE=1 the server logs every request after the port line.
  child.stdout.pipe(process.stderr);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory: dir,
    env: S3_ENV,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export function removeS3Data(server: S3Server): void {
  rmSync(server.directory, { recursive: true, force: true });
}
