// A real S3 server for the remote tests and the benchmark: s3rver (S3 REST API, SigV4-checked) on 127.0.0.1 with a
// free port, storing into a temp dir. The SDK is pointed at it through the environment it reads anyway.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface S3Server {
  endpoint: string;
  port: number;
  /** Where the server keeps its buckets. */
  directory: string;
  /** Credentials s3rver accepts, as the AWS SDK's environment variables. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const S3_ENV = {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
};

/** Starts a server with `buckets` created; `directory` reuses an earlier server's data (a restart). */
export async function startS3Server(buckets: string[], directory?: string): Promise<S3Server> {
  const dir = directory ?? mkdtempSync(join(tmpdir(), "tabula-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory: dir,
    silent: !process.env.TABULA_S3_VERBOSE,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory: dir,
    env: S3_ENV,
    stop: () => server.close(),
  };
}

export function removeS3Data(server: S3Server): void {
  rmSync(server.directory, { recursive: true, force: true });
}
