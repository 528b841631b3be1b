// S3 remotes against a real S3 server (s3rver on 127.0.0.1, SigV4 checked), driven by the real AWS SDK.
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { addRemote, modifyRemote } from "../../src/repro/remote/remote-admin.js";
import { pull, push } from "../../src/repro/remote/transfer.js";
import { status } from "../../src/repro/status-api.js";
import { cli, project, read, removeProjects, runRepro, startCli } from "./helpers.js";
import { removeS3Data, S3_ENV, type S3Server, startS3Server } from "./remote-s3-server.js";

const BUCKET = "tabula-team";

const PIPELINE = `stages:
  train:
    cmd: >-
      echo run >> runs.log && mkdir -p model &&
      echo "lr=$(sed -n 's/ *lr: //p' params.yaml)" > model/weights.txt && cp data.txt model/data.txt &&
      echo '{"loss":1}' > metrics.json
    deps: [data.txt]
    params: [train.lr]
    outs: [model]
    metrics: [metrics.json]
`;

let server: S3Server;
const savedEnv = { ...process.env };

test.before(async () => {
  server = await startS3Server([BUCKET]);
  Object.assign(process.env, S3_ENV);
  delete process.env.TABULA_REMOTE;
});

test.after(async () => {
  await server.stop();
  removeS3Data(server);
  removeProjects();
  for (const key of Object.keys(S3_ENV)) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

function client(): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const s3 = client();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  s3.destroy();
  return keys;
}

/** A project whose team remote is s3://BUCKET/prefix; the endpoint is this machine's setting (local config). */
function teamProject(files: Record<string, string>, prefix: string): string {
  const dir = project(files);
  const added = addRemote(dir, "team", `s3://${BUCKET}/${prefix}`, { makeDefault: true });
  assert.ok(added.ok, added.ok ? "" : formatError(added.error));
  assert.ok(modifyRemote(dir, "team", "endpoint", server.endpoint, "local").ok);
  return dir;
}

/** What a teammate has after `git clone`: the committed files (the local config is git-ignored). */
function cloneOf(dir: string, files: string[]): string {
  const clone = project({});
  for (const file of [...files, ".tabula/config.yaml", ".tabula/.gitignore"])
    cpSync(join(dir, file), join(clone, file));
  assert.ok(modifyRemote(clone, "team", "endpoint", server.endpoint, "local").ok);
  return clone;
}

function cacheListing(dir: string): string[] {
  const base = join(dir, ".repro/cache");
  return existsSync(base) ? (readdirSync(base, { recursive: true }) as string[]).sort() : [];
}

test("push to S3, pull into a fresh clone: outputs byte-identical, run cache shared, nothing sent twice", async () => {
  const dir = teamProject(
    { "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data.txt": "rows\n" },
    "roundtrip",
  );
  assert.match(read(dir, ".tabula/config.yaml"), /team:\n\s+url: s3:\/\/tabula-team\/roundtrip/);
  assert.not.match(read(dir, ".tabula/config.yaml"), /endpoint|S3RVER/, "per-machine settings stay local");
  assert.is(read(dir, ".tabula/.gitignore"), "/config.local.yaml\n");
  await runRepro(dir, { setParams: { "train.lr": 2 } });
  await runRepro(dir, { setParams: { "train.lr": 1 } });

  const pushed = await push({ cwd: dir });
  assert.ok(pushed.ok, pushed.ok ? "" : formatError(pushed.error));
  assert.is(pushed.ok && pushed.value.uploadedRuns, 2);
  const keys = await keysUnder("roundtrip/");
  assert.ok(
    keys.some((key) => /^roundtrip\/objects\/[0-9a-f]{2}\/[0-9a-f]+\.dir$/.test(key)),
    keys.join(),
  );
  assert.is(keys.filter((key) => key.startsWith("roundtrip/runs/train/")).length, 2);
  const again = await push({ cwd: dir });
  assert.equal(again.ok && [again.value.uploadedObjects, again.value.uploadedRuns], [0, 0]);

  const clone = cloneOf(dir, ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt", "metrics.json"]);
  const pulled = await pull({ cwd: clone });
  assert.ok(pulled.ok, pulled.ok ? "" : formatError(pulled.error));
  assert.equal(pulled.ok && pulled.value.restoredOutputs, ["model"]);
  assert.is(read(clone, "model/weights.txt"), read(dir, "model/weights.txt"));
  assert.is(read(clone, "model/data.txt"), "rows\n");
  const after = await status({ cwd: clone });
  assert.is(after.ok && after.value[0]?.state, "up-to-date");
  const run = await runRepro(clone, { setParams: { "train.lr": 2 }, pull: true });
  assert.equal(run.restored, ["train"], "lr=2 ran on the other machine: restored from the shared run cache");
  assert.not.ok(existsSync(join(clone, "runs.log")), "the command never ran in the clone");
});

test("pull brings down the run entry recording the lock, not the remote's other runs nor their objects", async () => {
  const dir = teamProject(
    { "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data.txt": "rows\n" },
    "only-lock-runs",
  );
  await runRepro(dir, { setParams: { "train.lr": 7 } });
  await runRepro(dir, { setParams: { "train.lr": 1 } });
  const pushed = await push({ cwd: dir });
  assert.is(pushed.ok && pushed.value.uploadedRuns, 2);
  const [lockRun, otherRun] = ["1", "7"].map((lr) =>
    readdirSync(join(dir, ".repro/cache/runs/train")).find((file) =>
      readFileSync(join(dir, ".repro/cache/runs/train", file), "utf8").includes(`lr": ${lr}\n`),
    ),
  );
  assert.ok(lockRun && otherRun && lockRun !== otherRun);

  const clone = cloneOf(dir, ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt", "metrics.json"]);
  const remoteStatus = await cli(clone, ["status", "--remote"], S3_ENV);
  assert.match(remoteStatus.output, /and 1 run entries to pull/, remoteStatus.output);
  const pulled = await pull({ cwd: clone });
  assert.ok(pulled.ok, pulled.ok ? "" : formatError(pulled.error));
  assert.is(pulled.ok && pulled.value.downloadedRuns, 1);
  assert.equal(readdirSync(join(clone, ".repro/cache/runs/train")), [lockRun], "only the lock's run entry");
  const weights = (lr: number) => `lr=${lr}\n`;
  const cachedTexts = cacheListing(clone)
    .filter((path) => statSync(join(clone, ".repro/cache", path)).isFile() && !path.endsWith(".dir"))
    .map((path) => readFileSync(join(clone, ".repro/cache", path), "utf8"));
  assert.ok(cachedTexts.includes(weights(1)), "the lock's model came down");
  assert.not.ok(cachedTexts.includes(weights(7)), "the lr=7 model did not");

  const same = await runRepro(clone);
  assert.equal(same.ran, [], "the lock's run is known here: nothing to run");
  const back = await runRepro(clone, { setParams: { "train.lr": 7 }, pull: true });
  assert.equal(back.restored, ["train"], "repro --pull fetches the lr=7 run when it is asked for");
  assert.not.ok(existsSync(join(clone, "runs.log")));
});

test("a corrupt object on the remote is refused: never enters the cache, the output is not restored", async () => {
  const dir = teamProject(
    { "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data.txt": "rows\n" },
    "corrupt",
  );
  await runRepro(dir);
  assert.ok((await push({ cwd: dir })).ok);
  const victim = (await keysUnder("corrupt/objects/")).find((key) => !key.endsWith(".dir"));
  assert.ok(victim);
  const s3 = client();
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: victim, Body: "not what was pushed\n" }));
  s3.destroy();
  const clone = cloneOf(dir, ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt", "metrics.json"]);
  const pulled = await pull({ cwd: clone });
  assert.match(
    pulled.ok ? "" : formatError(pulled.error),
    /^remote team: object [0-9a-f]+ is corrupt \(content hash differs\)$/,
  );
  const name = victim.split("/").slice(-2).join("");
  assert.not.ok(
    cacheListing(clone).some((path) => path.replace("/", "").endsWith(name)),
    "not in the cache",
  );
  assert.not.ok(existsSync(join(clone, "model")));
});

test("wrong credentials, a missing bucket, an unreachable endpoint: one clear line naming the remote, exit 1, cache untouched", async () => {
  const dir = teamProject(
    { "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data.txt": "rows\n" },
    "errors",
  );
  await runRepro(dir);
  const before = cacheListing(dir);
  const cases: [string[], Record<string, string>, RegExp][] = [
    [
      ["pull"],
      { ...S3_ENV, AWS_ACCESS_KEY_ID: "WRONG" },
      /^tabula: remote team: access denied to bucket "tabula-team" \((InvalidAccessKeyId|Forbidden|HTTP 403)\): check the credentials/,
    ],
    [
      ["push", "-r", "s3://no-such-bucket/x"],
      { ...S3_ENV, AWS_ENDPOINT_URL_S3: server.endpoint },
      /^tabula: remote s3:\/\/no-such-bucket\/x: bucket "no-such-bucket" does not exist$/,
    ],
    [
      ["fetch"],
      { ...S3_ENV, AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1" },
      /^tabula: remote team: (bucket|cannot reach)/,
    ],
  ];
  for (const [args, env, expected] of cases) {
    if (args[0] === "fetch")
      assert.ok(modifyRemote(dir, "team", "endpoint", "http://127.0.0.1:1", "local").ok);
    const result = await cli(dir, args, { ...env, TABULA_REMOTE: "" });
    assert.is(result.code, 1, result.output);
    const lines = result.output.trim().split("\n");
    assert.is(lines.length, 1, result.output);
    assert.match(lines[0] ?? "", expected, result.output);
    assert.equal(cacheListing(dir), before, "the local cache is untouched");
  }
});

test("a push SIGKILLed mid-way leaves the remote usable; the next push completes it; a fresh clone pulls it all", async () => {
  const files = Array.from({ length: 300 }, (_, index) => `echo ${index} > data/part-${index}.txt`).join(
    " && ",
  );
  const pipeline = `stages:\n  make:\n    cmd: mkdir -p data && ${files}\n    outs: [data]\n`;
  const dir = teamProject({ "pipeline.yaml": pipeline }, "killed");
  const ran = await runRepro(dir);
  assert.equal(ran.ran, ["make"]);

  const child = startCli(dir, ["push", "--jobs", "1"], S3_ENV);
  for (let waited = 0; (await keysUnder("killed/objects/")).length < 40; waited += 50) {
    if (waited > 60_000) throw new Error(`push did not get going: ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  await child.closed;
  const partial = await keysUnder("killed/");
  assert.ok(partial.length < 301, `killed before the end (${partial.length} keys)`);
  assert.not.ok(
    partial.some((key) => key.endsWith(".dir") || key.includes("/runs/")),
    "nothing names what is not there",
  );

  const clone0 = cloneOf(dir, ["pipeline.yaml", "pipeline.lock"]);
  const early = await pull({ cwd: clone0 });
  assert.ok(early.ok, "a pull of the half-pushed remote works");
  assert.equal(early.ok && early.value.restoredOutputs, [], "and restores nothing incomplete");

  const completed = await push({ cwd: dir });
  assert.ok(completed.ok, completed.ok ? "" : formatError(completed.error));
  assert.ok(completed.ok && completed.value.uploadedObjects <= 301 - partial.length + 1);
  const clone = cloneOf(dir, ["pipeline.yaml", "pipeline.lock"]);
  const pulled = await pull({ cwd: clone });
  assert.ok(pulled.ok, pulled.ok ? "" : formatError(pulled.error));
  assert.equal(
    [pulled.value.downloadedObjects, pulled.value.missingOnRemote, pulled.value.restoredOutputs],
    [301, 0, ["data"]],
    "every object (300 files and the manifest) came down, each checked against its hash",
  );
  for (let index = 0; index < 300; index++) {
    assert.is(readFileSync(join(clone, `data/part-${index}.txt`), "utf8"), `${index}\n`);
  }
  const verified = await status({ cwd: clone });
  assert.is(verified.ok && verified.value[0]?.state, "up-to-date", "every output matches the lock");
});

test("the server SIGKILLed mid-push: a clear error, then (restarted) the next push completes it, nothing corrupt", async () => {
  const files = Array.from({ length: 300 }, (_, index) => `echo ${index} > data/part-${index}.txt`).join(
    " && ",
  );
  const pipeline = `stages:\n  make:\n    cmd: mkdir -p data && ${files}\n    outs: [data]\n`;
  const own = await startS3Server([BUCKET]);
  try {
    const dir = teamProject({ "pipeline.yaml": pipeline }, "crash");
    assert.ok(modifyRemote(dir, "team", "endpoint", own.endpoint, "local").ok);
    await runRepro(dir);
    const objects = join(own.directory, BUCKET, "crash/objects");
    const stored = () =>
      existsSync(objects)
        ? (readdirSync(objects, { recursive: true }) as string[]).filter((file) => file.endsWith("_object"))
        : [];
    const pushing = push({ cwd: dir, jobs: 4 });
    for (let waited = 0; stored().length < 40; waited += 20) {
      if (waited > 60_000) throw new Error("push did not get going");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await own.kill();
    const failed = await pushing;
    assert.not.ok(failed.ok, "the push saw the server go");
    assert.match(failed.ok ? "" : formatError(failed.error), /^remote team: /);
    assert.ok(stored().length < 301, `killed before the end (${stored().length} objects)`);

    const restarted = await startS3Server([BUCKET], own.directory);
    try {
      assert.ok(modifyRemote(dir, "team", "endpoint", restarted.endpoint, "local").ok);
      const completed = await push({ cwd: dir });
      assert.ok(completed.ok, completed.ok ? "" : formatError(completed.error));
      const clone = cloneOf(dir, ["pipeline.yaml", "pipeline.lock"]);
      assert.ok(modifyRemote(clone, "team", "endpoint", restarted.endpoint, "local").ok);
      const pulled = await pull({ cwd: clone });
      assert.ok(pulled.ok, pulled.ok ? "" : formatError(pulled.error));
      assert.equal([pulled.value.downloadedObjects, pulled.value.restoredOutputs], [301, ["data"]]);
      for (let index = 0; index < 300; index++)
        assert.is(readFileSync(join(clone, `data/part-${index}.txt`), "utf8"), `${index}\n`);
    } finally {
      await restarted.stop();
    }
  } finally {
    await own.stop();
    removeS3Data(own);
  }
});

test("repro --pull in a second workspace runs only what nobody ran before", async () => {
  const pipeline = `stages:
  prepare:
    cmd: echo prepare >> runs.log && sed 's/^/p:/' data.txt > prepared.txt
    deps: [data.txt]
    outs: [prepared.txt]
  train:
    cmd: >-
      echo train >> runs.log && echo "lr=$(sed -n 's/ *lr: //p' params.yaml)" > model.txt &&
      cat prepared.txt >> model.txt
    deps: [prepared.txt]
    params: [train.lr]
    outs: [model.txt]
`;
  const first = teamProject(
    { "pipeline.yaml": pipeline, "params.yaml": "train:\n  lr: 1\n", "data.txt": "a\nb\n" },
    "pull",
  );
  const ran = await runRepro(first);
  assert.equal(ran.ran, ["prepare", "train"], ran.result.ok ? "" : formatError(ran.result.error));
  assert.ok((await push({ cwd: first })).ok);

  const second = cloneOf(first, ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt"]);
  const pulled = await runRepro(second, { pull: true });
  assert.ok(pulled.result.ok, pulled.result.ok ? "" : formatError(pulled.result.error));
  assert.equal(pulled.restored, ["prepare", "train"]);
  assert.not.ok(existsSync(join(second, "runs.log")), "nothing ran");
  assert.is(read(second, "model.txt"), read(first, "model.txt"));

  const changed = await runRepro(second, { pull: true, setParams: { "train.lr": 5 } });
  assert.equal([changed.skipped, changed.ran], [["prepare"], ["train"]], "lr=5 is new: only train runs");
  assert.is(read(second, "runs.log"), "train\n");
  assert.ok((await push({ cwd: second })).ok);

  const back = await runRepro(first, { pull: true, setParams: { "train.lr": 5 } });
  assert.equal(back.restored, ["train"], "the other workspace's lr=5 run comes from the remote");
  assert.is(read(first, "runs.log"), "prepare\ntrain\n", "the first workspace ran each stage once");
  assert.is(read(first, "model.txt"), "lr=5\np:a\np:b\n");

  const third = cloneOf(first, ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt"]);
  const viaCli = await cli(third, ["repro", "--pull"], S3_ENV);
  assert.is(viaCli.code, 0, viaCli.output);
  assert.not.ok(existsSync(join(third, "runs.log")), viaCli.output);
  assert.is(read(third, "model.txt"), "lr=5\np:a\np:b\n");
});

test.run();
