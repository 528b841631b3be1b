import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { pull, push } from "../../src/repro/remote/transfer.js";
import { status } from "../../src/repro/status-api.js";
import { project, read, removeProjects, runRepro, writeFiles } from "./helpers.js";

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

/** What a teammate has after `git clone`: the committed files, no outputs, no cache. */
function cloneOf(dir: string): string {
  const clone = project({});
  for (const file of ["pipeline.yaml", "params.yaml", "pipeline.lock", "data.txt", "metrics.json"]) {
    cpSync(join(dir, file), join(clone, file));
  }
  return clone;
}

test.after(removeProjects);

test("push to a directory remote, pull into a fresh clone: outputs byte-identical, run cache shared", async () => {
  const dir = project({
    "pipeline.yaml": PIPELINE,
    "params.yaml": "train:\n  lr: 1\n",
    "data.txt": "rows\n",
  });
  await runRepro(dir, { setParams: { "train.lr": 2 } });
  await runRepro(dir, { setParams: { "train.lr": 1 } });
  const remote = join(project({}), "remote");

  const pushed = await push({ cwd: dir, remote });
  assert.ok(pushed.ok, pushed.ok ? "" : formatError(pushed.error));
  assert.is(pushed.ok && pushed.value.uploadedRuns, 2);
  assert.ok(pushed.ok && pushed.value.uploadedObjects > 0);
  const again = await push({ cwd: dir, remote });
  assert.equal(
    again.ok && [again.value.uploadedObjects, again.value.uploadedRuns],
    [0, 0],
    "nothing is uploaded twice",
  );

  const clone = cloneOf(dir);
  const before = await status({ cwd: clone });
  assert.is(before.ok && before.value[0]?.state, "stale", "outputs are missing before the pull");
  const pulled = await pull({ cwd: clone, remote });
  assert.ok(pulled.ok, pulled.ok ? "" : formatError(pulled.error));
  assert.equal(pulled.ok && pulled.value.restoredOutputs, ["model"]);
  assert.is(read(clone, "model/weights.txt"), read(dir, "model/weights.txt"));
  assert.is(read(clone, "model/data.txt"), "rows\n");
  const after = await status({ cwd: clone });
  assert.is(after.ok && after.value[0]?.state, "up-to-date");

  // The teammate tries lr=2, which already ran on the other machine: its run entry is not pulled (only the
  // lock's is), `repro --pull` asks the remote for it: restored, not run.
  const run = await runRepro(clone, { setParams: { "train.lr": 2 }, pull: remote });
  assert.equal(run.restored, ["train"]);
  assert.not.ok(existsSync(join(clone, "runs.log")), "the command never ran in the clone");
  assert.is(read(clone, "model/weights.txt"), "lr=2\n");
});

test("a remote can be named in pipeline.yaml; other schemes are refused clearly", async () => {
  const dir = project({
    "pipeline.yaml": PIPELINE,
    "params.yaml": "train:\n  lr: 1\n",
    "data.txt": "rows\n",
  });
  await runRepro(dir);
  const none = await push({ cwd: dir });
  assert.match(
    none.ok ? "" : formatError(none.error),
    /^no remote: pass --remote <name\|url\|dir>, set TABULA_REMOTE/,
  );
  const gs = await push({ cwd: dir, remote: "gs://bucket/cache" });
  assert.match(
    gs.ok ? "" : formatError(gs.error),
    /^remote gs:\/\/bucket\/cache: unsupported scheme; a remote is s3:/,
  );
  writeFiles(dir, { "pipeline.yaml": `remote: shared-cache\n${PIPELINE}` });
  const configured = await push({ cwd: dir });
  assert.ok(configured.ok);
  assert.ok(readdirSync(join(dir, "shared-cache/runs/train")).length === 1);
  const missing = await pull({ cwd: dir, remote: join(dir, "no-such-dir") });
  assert.match(missing.ok ? "" : formatError(missing.error), /no-such-dir: directory does not exist$/);
});

test.run();
