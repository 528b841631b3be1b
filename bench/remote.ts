// `npm run bench:remote [-- --small N] [--large-mb N] [--jobs N] [--naive N]`: push and pull through a real S3
// server (s3rver in its own process on 127.0.0.1, data in a temp dir) and a directory remote, in one run, each
// beside what the server allows:
//
//   reference: parallel SDK copy loop   PutObject / GetObject with the same concurrency and no checks (the large
//                                       file through lib-storage's Upload with our part size and parts at once):
//                                       what s3rver takes at best, measured right before the tabula transfer
//   tabula push / pull, S3              N small files (one directory output: --small, default 10000 × 1 KB) and
//                                       one large file (--large-mb, default 1024; multipart); fetch (into the
//                                       cache, each object checked against its hash) apart from pull (fetch,
//                                       then the outputs written into the workspace)
//   tabula push again                   nothing to send: one listing, no request per object
//   tabula push / pull, directory       the same projects
//   naive S3 push                       a HEAD per object, then a PUT if missing, one at a time, on the first
//                                       --naive objects (how per-object existence checks scale; DVC #7607 / #5871)
//   aws s3 sync                         when the aws CLI is installed
//
// The machine is shared: read the figures as ratios to the reference rows beside them; the load average is
// printed at the start and at the end.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { commit } from "../src/repro/commit.js";
import { formatError } from "../src/repro/errors.js";
import { forEachLimit } from "../src/repro/remote/pool.js";
import { addRemote, modifyRemote } from "../src/repro/remote/remote-admin.js";
import { MULTIPART_THRESHOLD, PART_SIZE, PARTS_AT_ONCE } from "../src/repro/remote/s3-remote.js";
import { fetch, pull, push } from "../src/repro/remote/transfer.js";
import { S3_ENV, startS3Server } from "../test/repro/remote-s3-server.js";

const { values } = parseArgs({
  options: {
    small: { type: "string", default: "10000" },
    "large-mb": { type: "string", default: "1024" },
    jobs: { type: "string", default: "16" },
    naive: { type: "string", default: "1000" },
  },
});
const FILES = Number(values.small);
const LARGE_MB = Number(values["large-mb"]);
const JOBS = Number(values.jobs);
const NAIVE = Math.min(FILES, Number(values.naive));
const BUCKET = "tabula-bench";

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");
const loadAtStart = load();
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

interface CacheObject {
  key: string;
  path: string;
  size: number;
}

/** Every object file of a project's cache. */
function cacheObjects(dir: string): CacheObject[] {
  const base = join(dir, ".repro/cache/objects");
  const listed = spawnSync("find", [base, "-type", "f"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean);
  return listed.map((path) => ({ key: path.slice(base.length + 1), path, size: statSync(path).size }));
}

/** The reference upload: the SDK alone, as many at once as tabula, large files in parts as tabula sends them. */
async function referencePut(objects: CacheObject[], prefix: string): Promise<void> {
  await forEachLimit(objects, JOBS, async (object) => {
    const params = { Bucket: BUCKET, Key: `${prefix}/${object.key}`, Body: createReadStream(object.path) };
    if (object.size < MULTIPART_THRESHOLD) await client.send(new PutObjectCommand(params));
    else await new Upload({ client, params, partSize: PART_SIZE, queueSize: PARTS_AT_ONCE }).done();
  });
}

async function referenceGet(objects: CacheObject[], prefix: string, scratch: string): Promise<void> {
  mkdirSync(scratch);
  await forEachLimit(objects, JOBS, async (object) => {
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${object.key}` }));
    await pipeline(got.Body as Readable, createWriteStream(join(scratch, object.key.replace("/", ""))));
  });
  rmSync(scratch, { recursive: true, force: true });
}

/** s3rver's first requests are slower (module loading, JIT): the first figure should not pay for them. */
async function warmUp(): Promise<void> {
  const body = randomBytes(1024);
  await forEachLimit(
    Array.from({ length: 200 }, (_, index) => index),
    JOBS,
    async (index) => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `warm-up/${index}`, Body: body }));
    },
  );
}

try {
  await warmUp();
  for (const kind of ["small", "large.bin"] as const) {
    const label = kind === "small" ? `${FILES} × 1 KB` : `1 × ${LARGE_MB} MB`;
    const dir = await makeProject(kind === "small" ? "small" : "large", kind);
    const objects = cacheObjects(dir);
    const bytes = objects.reduce((sum, object) => sum + object.size, 0);
    must(addRemote(dir, "s3", `s3://${BUCKET}/${kind}`, { makeDefault: true }));
    must(modifyRemote(dir, "s3", "endpoint", server.endpoint, "local"));
    must(addRemote(dir, "nas", join(work, `dir-remote-${kind}`)));

    const [, putSeconds] = await timed(() => referencePut(objects, `copy-${kind}`));
    row(`reference: SDK put loop, ${JOBS} at once (${label})`, objects.length, bytes, putSeconds);
    const [pushed, pushSeconds] = await timed(async () => must(await push({ cwd: dir, jobs: JOBS })));
    row(`tabula push, S3 (${label})`, pushed.uploadedObjects, pushed.uploadedBytes, pushSeconds);
    const [again, againSeconds] = await timed(async () => must(await push({ cwd: dir, jobs: JOBS })));
    row(`tabula push again, nothing to send`, again.uploadedObjects, 0, againSeconds);
    // Once more after tabula's push: whichever goes first into an empty prefix pays for s3rver's directories.
    const [, putAgainSeconds] = await timed(() => referencePut(objects, `copy-again-${kind}`));
    row(`reference: SDK put loop again, after tabula's`, objects.length, bytes, putAgainSeconds);

    const [, getSeconds] = await timed(() => referenceGet(objects, `copy-${kind}`, join(work, "get")));
    row(`reference: SDK get loop, ${JOBS} at once (${label})`, objects.length, bytes, getSeconds);
    const fetchClone = cloneOf(dir, `${kind}-fetch-clone`);
    const [fetched, fetchSeconds] = await timed(async () =>
      must(await fetch({ cwd: fetchClone, jobs: JOBS })),
    );
    row(
      `tabula fetch, S3: into the cache only`,
      fetched.downloadedObjects,
      fetched.downloadedBytes,
      fetchSeconds,
    );
    rmSync(fetchClone, { recursive: true, force: true });
    const clone = cloneOf(dir, `${kind}-clone`);
    const [pulled, pullSeconds] = await timed(async () => must(await pull({ cwd: clone, jobs: JOBS })));
    row(`tabula pull, S3 (${label})`, pulled.downloadedObjects, pulled.downloadedBytes, pullSeconds);
    rmSync(clone, { recursive: true, force: true });

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
    rmSync(dirClone, { recursive: true, force: true });
    rmSync(join(work, `dir-remote-${kind}`), { recursive: true, force: true });

    if (kind === "small") {
      const sample = objects.slice(0, NAIVE);
      const [, naiveSeconds] = await timed(async () => {
        for (const object of sample) {
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
      row(`naive: HEAD + PUT per object, one at a time`, sample.length, sample.length * 1024, naiveSeconds);
    }

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
    rmSync(dir, { recursive: true, force: true });
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
  `remote transfers, s3rver on 127.0.0.1 and a directory (load average ${loadAtStart} at the start, ${load()} at the end)`,
);
console.log(line(header));
for (const cells of rows) console.log(cells.length > 1 ? line(cells) : cells[0]);
