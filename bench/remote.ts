// `npm run bench:remote`: push and pull through a real S3 server (s3rver on 127.0.0.1) and a directory remote,
// side by side with what the server allows, in one run:
//
//   tabula push / pull, S3          N small files (one directory output) and one large file (multipart)
//   tabula push / pull, directory   the same project
//   naive S3 push                   a HEAD per object, then a PUT if missing, one at a time (how per-object
//                                   existence checks scale; DVC issues #7607 / #5871)
//   parallel SDK copy loop          PutObject / GetObject with the same concurrency, no checks: the reference
//   aws s3 sync                     when the aws CLI is installed
//
// Sizes: BENCH_REMOTE_FILES (default 10000) files of 1 KB, BENCH_REMOTE_LARGE_MB (default 1024) for the large
// file. The machine is shared: read the figures side by side; the load average is printed with them.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { commit } from "../src/repro/commit.js";
import { formatError } from "../src/repro/errors.js";
import { forEachLimit } from "../src/repro/remote/pool.js";
import { addRemote, modifyRemote } from "../src/repro/remote/remote-admin.js";
import { pull, push } from "../src/repro/remote/transfer.js";
import { S3_ENV, startS3Server } from "../test/repro/remote-s3-server.js";

const FILES = Number(process.env.BENCH_REMOTE_FILES ?? 10_000);
const LARGE_MB = Number(process.env.BENCH_REMOTE_LARGE_MB ?? 1024);
const JOBS = 16;
const BUCKET = "tabula-bench";

Object.assign(process.env, S3_ENV);
delete process.env.TABULA_REMOTE;
const server = await startS3Server([BUCKET]);
const work = mkdtempSync(join(tmpdir(), "tabula-bench-remote-"));
const rows: string[][] = [];

function row(what: string, objects: number, bytes: number, seconds: number) {
  rows.push([
    what,
    String(objects),
    `${(bytes / 1e6).toFixed(1)} MB`,
    `${seconds.toFixed(2)} s`,
    `${(objects / seconds).toFixed(0)}`,
    `${(bytes / 1e6 / seconds).toFixed(1)}`,
  ]);
}

async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await body();
  return [value, (performance.now() - started) / 1000];
}

function must<T>(
  result: { ok: true; value: T } | { ok: false; error: Parameters<typeof formatError>[0] },
): T {
  if (!result.ok) throw new Error(formatError(result.error));
  return result.value;
}

/** A project whose lock names `small/` (FILES × 1 KB) or `large.bin`, committed into its cache. */
async function makeProject(name: string, output: "small" | "large.bin"): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "pipeline.yaml"), `stages:\n  data:\n    cmd: "true"\n    outs: [${output}]\n`);
  if (output === "small") {
    mkdirSync(join(dir, "small"));
    for (let index = 0; index < FILES; index++)
      writeFileSync(join(dir, "small", `${index}.bin`), randomBytes(1024));
  } else {
    const stream = createWriteStream(join(dir, "large.bin"));
    for (let index = 0; index < LARGE_MB; index++) {
      if (!stream.write(randomBytes(1 << 20)))
        await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
  must(await commit({ cwd: dir }));
  return dir;
}

function cloneOf(dir: string, name: string): string {
  const clone = join(work, name);
  mkdirSync(clone, { recursive: true });
  for (const file of ["pipeline.yaml", "pipeline.lock"]) cpSync(join(dir, file), join(clone, file));
  cpSync(join(dir, ".tabula"), join(clone, ".tabula"), { recursive: true });
  return clone;
}

const client = new S3Client({
  endpoint: server.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

/** Every object file of a project's cache, as (key, path, size). */
function cacheObjects(dir: string): { key: string; path: string }[] {
  const base = join(dir, ".repro/cache/objects");
  const listed = spawnSync("find", [base, "-type", "f"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
  return listed.map((path) => ({ key: path.slice(base.length + 1), path }));
}

try {
  for (const kind of ["small", "large.bin"] as const) {
    const label = kind === "small" ? `${FILES} × 1 KB` : `1 × ${LARGE_MB} MB`;
    const dir = await makeProject(kind === "small" ? "small" : "large", kind);
    const objects = cacheObjects(dir);
    const bytes = kind === "small" ? FILES * 1024 : LARGE_MB * (1 << 20);
    must(addRemote(dir, "s3", `s3://${BUCKET}/${kind}`, { makeDefault: true }));
    must(modifyRemote(dir, "s3", "endpoint", server.endpoint, "local"));
    must(addRemote(dir, "nas", join(work, `dir-remote-${kind}`)));

    const [pushed, pushSeconds] = await timed(async () => must(await push({ cwd: dir, jobs: JOBS })));
    row(`tabula push, S3 (${label})`, pushed.uploadedObjects, pushed.uploadedBytes, pushSeconds);
    const [again, againSeconds] = await timed(async () => must(await push({ cwd: dir, jobs: JOBS })));
    row(`tabula push again, nothing to send`, again.uploadedObjects, 0, againSeconds);
    const clone = cloneOf(dir, `${kind}-clone`);
    const [pulled, pullSeconds] = await timed(async () => must(await pull({ cwd: clone, jobs: JOBS })));
    row(`tabula pull, S3 (${label})`, pulled.downloadedObjects, pulled.downloadedBytes, pullSeconds);

    const [dirPushed, dirPushSeconds] = await timed(async () =>
      must(await push({ cwd: dir, remote: "nas" })),
    );
    row(
      `tabula push, directory (${label})`,
      dirPushed.uploadedObjects,
      dirPushed.uploadedBytes,
      dirPushSeconds,
    );
    const dirClone = cloneOf(dir, `${kind}-dir-clone`);
    const [dirPulled, dirPullSeconds] = await timed(async () =>
      must(await pull({ cwd: dirClone, remote: "nas" })),
    );
    row(
      `tabula pull, directory (${label})`,
      dirPulled.downloadedObjects,
      dirPulled.downloadedBytes,
      dirPullSeconds,
    );

    if (kind === "small") {
      const [, naiveSeconds] = await timed(async () => {
        for (const object of objects) {
          const Key = `naive/${object.key}`;
          try {
            await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
          } catch {
            await client.send(
              new PutObjectCommand({ Bucket: BUCKET, Key, Body: createReadStream(object.path) }),
            );
          }
        }
      });
      row(`naive: HEAD + PUT per object, sequential`, objects.length, bytes, naiveSeconds);
    }
    const [, copySeconds] = await timed(() =>
      forEachLimit(objects, JOBS, async (object) => {
        await client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `copy-${kind}/${object.key}`,
            Body: createReadStream(object.path),
          }),
        );
      }),
    );
    row(`reference: parallel PutObject loop (${JOBS})`, objects.length, bytes, copySeconds);
    const scratch = join(work, `get-${kind}`);
    mkdirSync(scratch);
    const [, getSeconds] = await timed(() =>
      forEachLimit(objects, JOBS, async (object, index = 0) => {
        const got = await client.send(
          new GetObjectCommand({ Bucket: BUCKET, Key: `copy-${kind}/${object.key}` }),
        );
        await pipeline(
          got.Body as Readable,
          createWriteStream(join(scratch, `${object.key.replace("/", "")}${index}`)),
        );
      }),
    );
    row(`reference: parallel GetObject loop (${JOBS})`, objects.length, bytes, getSeconds);

    const aws = spawnSync("aws", ["--version"], { encoding: "utf8" });
    if (aws.status === 0) {
      const [result, awsSeconds] = await timed(async () =>
        spawnSync(
          "aws",
          [
            "s3",
            "sync",
            "--only-show-errors",
            "--endpoint-url",
            server.endpoint,
            join(dir, ".repro/cache/objects"),
            `s3://${BUCKET}/aws-${kind}`,
          ],
          { encoding: "utf8", env: { ...process.env, ...S3_ENV } },
        ),
      );
      if (result.status === 0)
        row(
          `aws s3 sync (${aws.stdout.split(" ")[0] || aws.stderr.split(" ")[0]})`,
          objects.length,
          bytes,
          awsSeconds,
        );
      else rows.push([`aws s3 sync failed: ${result.stderr.trim().split("\n")[0]}`]);
    } else rows.push(["aws CLI not installed: no aws s3 sync figure"]);
  }
} finally {
  client.destroy();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(server.directory, { recursive: true, force: true });
}

const header = ["transfer", "objects", "bytes", "time", "objects/s", "MB/s"];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((cells) => (cells.length > 1 ? (cells[column] ?? "").length : 0))),
);
const line = (cells: string[]) =>
  cells
    .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
    .join("  ");
console.log(
  `remote transfers against s3rver on 127.0.0.1 (load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")})`,
);
console.log(line(header));
for (const cells of rows) console.log(cells.length > 1 ? line(cells) : cells[0]);
