import { createReadStream, createWriteStream } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { nameOfKey, type Remote, type RemoteObject, type RemoteSection, remoteKey } from "./remote.js";
import { describeS3Error } from "./s3-errors.js";

/** Per-remote settings (config keys), all optional: credentials always come from the AWS SDK's default chain. */
export interface S3Settings {
  /** An S3-compatible store: MinIO, Ceph RGW, Cloudflare R2 (`https://<account>.r2.cloudflarestorage.com`). */
  endpoint?: string;
  region?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (MinIO and most self-hosted stores need it). */
  forcePathStyle?: boolean;
  /** A profile of ~/.aws/config and ~/.aws/credentials (default: $AWS_PROFILE, then "default"). */
  profile?: string;
  jobs?: number;
}

/** Files at least this large go up in parts, several at once; smaller ones in one PutObject. */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const PART_SIZE = 16 * 1024 * 1024;
/** Parts of one multipart upload in flight at once. */
export const PARTS_AT_ONCE = 4;

/** `s3://bucket/prefix` through the AWS SDK v3. */
export class S3Remote implements Remote {
  readonly defaultJobs: number;
  private readonly client: S3Client;
  private readonly agents: (HttpAgent | HttpsAgent)[];

  constructor(
    readonly url: string,
    readonly bucket: string,
    private readonly prefix: string,
    settings: S3Settings,
  ) {
    this.defaultJobs = settings.jobs ?? 16;
    const agentOptions = { keepAlive: true, maxSockets: Math.max(64, this.defaultJobs * 2) };
    const httpAgent = new HttpAgent(agentOptions);
    const httpsAgent = new HttpsAgent(agentOptions);
    this.agents = [httpAgent, httpsAgent];
    this.client = new S3Client({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      // An S3-compatible store ignores the region but the signature needs one.
      region: settings.region ?? process.env.AWS_REGION ?? (settings.endpoint ? "us-east-1" : undefined),
      forcePathStyle: settings.forcePathStyle ?? false,
      ...(settings.profile ? { profile: settings.profile } : {}),
      // Content is verified by its hash on the way in; the SDK's extra CRC trailers trip S3-compatible stores.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { httpAgent, httpsAgent, connectionTimeout: 10_000 },
      // Stores answer 500/503 now and then under many parallel requests; the SDK retries those with backoff.
      maxAttempts: 6,
    });
  }

  /** `s3://bucket/some/prefix` → bucket and prefix (without slashes at its ends). */
  static parse(url: string): { bucket: string; prefix: string } | undefined {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match?.[1]) return undefined;
    return { bucket: match[1], prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
  }

  private key(section: RemoteSection, name: string): string {
    return this.prefix ? `${this.prefix}/${remoteKey(section, name)}` : remoteKey(section, name);
  }

  private async call<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (error) {
      throw new Error(describeS3Error(error, this.bucket));
    }
  }

  async check(): Promise<void> {
    await this.call(() => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  async list(section: RemoteSection): Promise<Map<string, RemoteObject>> {
    const names = new Map<string, RemoteObject>();
    const base = this.prefix ? `${this.prefix}/` : "";
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${base}${section}/`,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key ? nameOfKey(section, object.Key.slice(base.length)) : undefined;
        if (name !== undefined)
          names.set(name, { size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  async upload(section: RemoteSection, name: string, localFile: string, size: number): Promise<void> {
    const Key = this.key(section, name);
    await this.call(async () => {
      if (size < MULTIPART_THRESHOLD) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key,
            Body: createReadStream(localFile),
            ContentLength: size,
          }),
        );
        return;
      }
      // A multipart upload becomes visible only when completed: an interrupted one leaves no partial object.
      await new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: createReadStream(localFile) },
        partSize: PART_SIZE,
        queueSize: PARTS_AT_ONCE,
        leavePartsOnError: false,
      }).done();
    });
  }

  async download(section: RemoteSection, name: string, localFile: string): Promise<void> {
    await this.call(async () => {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(section, name) }),
      );
      if (!(response.Body instanceof Readable)) throw new Error(`GetObject ${name}: no body`);
      await pipeline(response.Body, createWriteStream(localFile));
    });
  }

  async remove(section: RemoteSection, names: string[]): Promise<void> {
    for (let start = 0; start < names.length; start += 1000) {
      const batch = names.slice(start, start + 1000).map((name) => ({ Key: this.key(section, name) }));
      const result = await this.call(() =>
        this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }),
        ),
      );
      const [first] = result.Errors ?? [];
      if (first) throw new Error(`cannot delete ${first.Key}: ${first.Code} ${first.Message}`);
    }
  }

  close(): void {
    this.client.destroy();
    for (const agent of this.agents) agent.destroy();
  }
}
