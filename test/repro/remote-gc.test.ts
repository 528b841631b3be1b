// gc --remote (and the local gc) keep what the locks of the chosen git revisions name; status --remote says
// what is missing where. Against a real S3 server (s3rver).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { gc } from "../../src/repro/gc.js";
import { addRemote, modifyRemote } from "../../src/repro/remote/remote-admin.js";
import { gcRemote } from "../../src/repro/remote/remote-gc.js";
import { remoteStatus } from "../../src/repro/remote/remote-status.js";
import { push } from "../../src/repro/remote/transfer.js";
import { cli, project, removeProjects, runRepro } from "./helpers.js";
import { removeS3Data, S3_ENV, type S3Server, startS3Server } from "./remote-s3-server.js";

const BUCKET = "tabula-gc";
let server: S3Server;
const saved = { ...process.env };

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
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const PIPELINE = `stages:
  train:
    cmd: >-
      echo "lr=$(sed -n 's/ *lr: //p' params.yaml)" > out.txt
    params: [train.lr]
    outs: [out.txt]
`;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

/** Runs with lr, pushes, commits. */
async function runAndCommit(dir: string, lr: number): Promise<void> {
  const ran = await runRepro(dir, { setParams: { "train.lr": lr } });
  assert.ok(ran.result.ok, ran.result.ok ? "" : formatError(ran.result.error));
  const pushed = await push({ cwd: dir });
  assert.ok(pushed.ok, pushed.ok ? "" : formatError(pushed.error));
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", `lr=${lr}`);
}

/** Cached objects (files under their two-letter directories). */
const localObjects = (dir: string) =>
  (readdirSync(join(dir, ".repro/cache/objects"), { recursive: true }) as string[]).filter((path) =>
    path.includes("/"),
  ).length;

test("gc keeps what the locks of the chosen revisions name, on the remote and locally", async () => {
  const dir = project({
    "pipeline.yaml": PIPELINE,
    "params.yaml": "train:\n  lr: 0\n",
    ".gitignore": ".repro/\n",
  });
  assert.ok(addRemote(dir, "team", `s3://${BUCKET}/gc`, { makeDefault: true }).ok);
  assert.ok(modifyRemote(dir, "team", "endpoint", server.endpoint, "local").ok);
  git(dir, "init", "-q", "-b", "main");
  await runAndCommit(dir, 1);
  git(dir, "checkout", "-qb", "exp");
  await runAndCommit(dir, 2);
  git(dir, "checkout", "-q", "main");
  await runAndCommit(dir, 3);
  await runAndCommit(dir, 4);
  // Five outputs on the remote: lr=1, 3, 4 only in main's history, lr=2 at exp's tip, lr=4 at main's tip.
  const all = await gcRemote({ cwd: dir, keepRuns: 0, allCommits: true, dry: true });
  assert.ok(all.ok, all.ok ? "" : formatError(all.error));
  assert.equal(all.ok && [all.value.removedObjects, all.value.keptObjects, all.value.removedRuns], [0, 4, 4]);

  const local = await gc({ cwd: dir, keepRuns: 0, allBranches: true });
  assert.ok(local.ok);
  assert.equal(local.ok && [local.value.removedObjects, local.value.keptObjects], [2, 2]);
  assert.is(localObjects(dir), 2);

  const branches = await gcRemote({ cwd: dir, keepRuns: 0, allBranches: true });
  assert.ok(branches.ok, branches.ok ? "" : formatError(branches.error));
  assert.equal(branches.ok && [branches.value.removedObjects, branches.value.keptObjects], [2, 2]);
  const status = await remoteStatus({ cwd: dir });
  assert.ok(status.ok);
  assert.equal(status.ok && status.value.outputs, [
    { stage: "train", path: "out.txt", cached: true, onRemote: true },
  ]);
  assert.equal(status.ok && status.value.runs, { toPush: 0, toPull: 0 }, "the run entries went first");

  // exp's output survived on the remote: a fresh checkout of exp can pull it.
  git(dir, "checkout", "-q", "exp");
  const onExp = await remoteStatus({ cwd: dir });
  assert.equal(onExp.ok && onExp.value.outputs.map((o) => o.onRemote), [true]);
  git(dir, "checkout", "-q", "main");

  const workspaceOnly = await cli(dir, ["gc", "--remote", "--keep-runs", "0"], S3_ENV);
  assert.is(workspaceOnly.code, 0, workspaceOnly.output);
  assert.is(
    workspaceOnly.output,
    "removed 1 objects (0.0 MB) and 0 run entries from team; kept 1 objects and 0 run entries\n",
  );
});

test("status --remote: what push would send and pull would fetch", async () => {
  const dir = project({ "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 7\n" });
  assert.ok(addRemote(dir, "team", `s3://${BUCKET}/status`, { makeDefault: true }).ok);
  assert.ok(modifyRemote(dir, "team", "endpoint", server.endpoint, "local").ok);
  await runRepro(dir);
  const before = await cli(dir, ["status", "--remote"], S3_ENV);
  assert.is(before.code, 0, before.output);
  assert.is(
    before.output,
    "out.txt  not pushed  (train)\nteam: 1 objects and 1 run entries to push, 0 objects and 0 run entries to pull\n",
  );
  assert.ok((await push({ cwd: dir })).ok);
  const after = await remoteStatus({ cwd: dir, remote: "team" });
  assert.equal(after.ok && [after.value.objects, after.value.runs], [
    { toPush: 0, toPull: 0, nowhere: 0 },
    { toPush: 0, toPull: 0 },
  ]);
});

test.run();
