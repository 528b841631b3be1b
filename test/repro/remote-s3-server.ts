// A real S3 server for the remote tests and the benchmark: s3rver (S3 REST API, SigV4-checked) on 127.0.0.1 with a
// free port, storing into a temp dir, in a child process (see remote-s3-server-process.mjs for why, and for the
// OpenSSL flag it needs). The SDK is pointed at it through the environment it reads anyway.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
  if (directory) dropTornWrites(directory);
  const child = spawn(process.execPath, ["--openssl-legacy-provider", serverMain, dir, ...buckets], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    // The port line, and with TABULA_S3_VERBOSE=1 s3rver's log of every request (to stderr).
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith('{"port":')) resolve(JSON.parse(line).port);
      else process.stderr.write(`${line}\n`);
    });
  });
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

/**
 * s3rver writes an object's content in place, then its metadata file: a server killed mid-request can leave that
 * file torn (truncated JSON), and every listing then fails with 500. S3 makes a PUT visible only once complete,
 * so before a restart the objects whose metadata does not parse are dropped: S3 would never have shown them. (A
 * truncated content with no metadata stays: it is listed with its short size, and push sends it again.)
 */
function dropTornWrites(directory: string): void {
  const suffix = "._S3rver_metadata.json";
  for (const file of readdirSync(directory, { recursive: true }) as string[]) {
    if (!file.endsWith(suffix)) continue;
    const metadata = join(directory, file);
    try {
      JSON.parse(readFileSync(metadata, "utf8"));
    } catch {
      const base = metadata.slice(0, -suffix.length);
      for (const part of [metadata, `${base}._S3rver_object`, `${base}._S3rver_object.md5`])
        rmSync(part, { force: true });
    }
  }
}

export function removeS3Data(server: S3Server): void {
  rmSync(server.directory, { recursive: true, force: true });
}
