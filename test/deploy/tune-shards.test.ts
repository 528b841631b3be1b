// Distributed tuning: K shard processes of one study, sharing a directory, give the same trials (params, CV scores)
// and the same best as local parallel tuning with the same seed and jobs; the merge step rebuilds the study from
// the directory; a directory of another study, a missing shard and a bad --shard are refused with clear messages.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MlFailure } from "../../src/ml/errors.js";
import { mergeTrials, openStudy, parseShard } from "../../src/ml/tune/shard.js";
import { bestTrial } from "../../src/ml/tune/study.js";
import { type TunedTrial, tune } from "../../src/ml/tune/tune.js";
import { parseMode } from "../../stages/tune-shard.js";
import { runToExit } from "../support/child-process.js";
import { smallStudy } from "./support/tune-study.js";

const root = mkdtempSync(join(tmpdir(), "tabula-tune-shards-"));
const request = smallStudy();
type Comparable = Omit<TunedTrial, "seconds">;
const comparable = (trials: TunedTrial[]): Comparable[] => trials.map(({ seconds: _, ...trial }) => trial);

function shardProcess(dir: string, spec: string, waitMs = 60_000) {
  const args = ["--import", "tsx", "test/deploy/support/tune-study.ts", dir, spec, String(waitMs)];
  return runToExit(process.execPath, args, 120_000).then(({ code, stdout, stderr }) => ({
    code,
    out: stdout,
    err: stderr,
  }));
}

test.after(() => rmSync(root, { recursive: true, force: true }));

test("3 shard processes give the trials and the best of local tuning (same seed and jobs); merge agrees", async () => {
  const dir = join(root, "study");
  const [local, ...shards] = await Promise.all([
    tune(request),
    shardProcess(dir, "0/3"),
    shardProcess(dir, "1/3"),
    shardProcess(dir, "2/3"),
  ]);
  for (const shard of shards) assert.is(shard.code, 0, shard.err);
  const expected = comparable(local);
  assert.is(expected.length, request.trials);
  assert.ok(expected.every((trial) => Number.isFinite(trial.value) && trial.scores.length === request.folds));
  // Every shard ends with the whole study, identical to the local one (JSON keeps doubles exactly).
  for (const shard of shards) assert.equal(JSON.parse(shard.out), JSON.parse(JSON.stringify(expected)));
  assert.is(readdirSync(dir).filter((file) => file.startsWith("trial-")).length, request.trials);
  const merged = mergeTrials(dir, request);
  assert.ok(merged.ok);
  if (merged.ok) {
    assert.equal(comparable(merged.value), expected);
    assert.equal(bestTrial(merged.value, "minimize")?.number, bestTrial(local, "minimize")?.number);
  }
});

test("a shard whose partner never runs gives up naming the missing trial; merge names what is missing", async () => {
  const dir = join(root, "lonely");
  const alone = await shardProcess(dir, "0/2", 1500);
  assert.is(alone.code, 1);
  assert.match(
    alone.err,
    `shard 0/2: trial 2 (shard 1/2's) did not arrive in ${dir} within 1.5 s; is that shard running?`,
  );
  const merged = mergeTrials(dir, request);
  assert.not.ok(merged.ok);
  // Trial 1 (shard 0's own) may or may not have been written before the shard gave up.
  const missing = /(5|6) of 6 trials missing \((1, )?2, 3, 4, 5, 6\): not every shard has finished/;
  if (!merged.ok) assert.match(merged.error.message, missing);
});

test("a directory of another study is refused", () => {
  const dir = join(root, "study");
  const other = openStudy(dir, smallStudy({ seed: 8 }));
  assert.not.ok(other.ok);
  if (!other.ok) assert.match(other.error.message, "this directory holds another study");
});

test("--shard and the Job's index are parsed, bad ones named", () => {
  assert.equal(parseShard("2/4"), { ok: true, value: { index: 2, count: 4 } });
  for (const bad of ["4/4", "1/0", "x/2", "1"]) {
    const parsed = parseShard(bad);
    assert.not.ok(parsed.ok, bad);
    if (!parsed.ok) assert.match(parsed.error.message, `--shard ${bad}: expected i/K with 0 ≤ i < K`);
  }
  const fromJob = parseMode(["--dir", "/s", "--shards", "4"], { JOB_COMPLETION_INDEX: "0" });
  assert.equal(fromJob.mode, { kind: "shard", shard: { index: 0, count: 4 }, writeResults: true });
  const second = parseMode(["--dir", "/s", "--shards", "4"], { JOB_COMPLETION_INDEX: "3" });
  assert.equal(second.mode, { kind: "shard", shard: { index: 3, count: 4 }, writeResults: false });
  assert.equal(parseMode(["--dir", "/s", "--merge"], {}).mode, { kind: "merge" });
  assert.throws(
    () => parseMode(["--dir", "/s", "--shards", "4"], {}),
    (e: unknown) => e instanceof MlFailure && /JOB_COMPLETION_INDEX/.test(e.message),
  );
  assert.throws(
    () => parseMode(["--dir", "/s", "--merge", "--shard", "0/2"], {}),
    /exactly one of --shard, --shards, --merge/,
  );
  assert.throws(() => parseMode(["--shard", "0/2"], {}), /--dir is required/);
});

test.run();
