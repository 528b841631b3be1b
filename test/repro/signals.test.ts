import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { status } from "../../src/repro/status-api.js";
import { project, read, removeProjects, runRepro, startCli, waitFor, writeFiles } from "./helpers.js";

// `slow` copies mode.txt; in "slow" mode it also writes a partial line and then blocks (exec: the shell becomes
// the sleep, so pid.txt names the process a signal has to reach).
const PIPELINE = `stages:
  fast:
    cmd: cp in.txt fast.txt
    deps: [in.txt]
    outs: [fast.txt]
  slow:
    cmd: >-
      cp mode.txt slow.txt &&
      if grep -q slow mode.txt; then echo partial >> slow.txt; echo $$ > pid.txt; exec sleep 30; fi
    deps: [fast.txt, mode.txt]
    outs: [slow.txt]
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim()[0] !== "Z";
  } catch {
    return false;
  }
};

const leftovers: number[] = [];

async function upToDateProject(): Promise<string> {
  const dir = project({ "pipeline.yaml": PIPELINE, "in.txt": "input\n", "mode.txt": "quick\n" });
  const first = await runRepro(dir);
  assert.equal(first.ran, ["fast", "slow"]);
  writeFiles(dir, { "mode.txt": "slow\n" });
  return dir;
}

/** Starts `tabula repro` and waits until the slow stage's process is running; returns both. */
async function startSlowRun(dir: string) {
  const cli = startCli(dir, ["repro", "--jobs", "1"]);
  await waitFor(
    () => existsSync(join(dir, "pid.txt")) && read(dir, "pid.txt").trim() !== "",
    "the slow stage to start",
  );
  const stagePid = Number(read(dir, "pid.txt"));
  leftovers.push(stagePid);
  return { cli, stagePid };
}

test.after(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  removeProjects();
});

for (const [signal, code] of [
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const) {
  test(`${signal} to repro is forwarded to the running stage, whose previous outputs and lock block come back`, async () => {
    const dir = await upToDateProject();
    const lock = read(dir, "pipeline.lock");
    const { cli, stagePid } = await startSlowRun(dir);
    assert.is(read(dir, "slow.txt"), "slow\npartial\n", "the stage was midway through rewriting its output");
    cli.kill(signal);
    const [exitCode] = await cli.closed;
    assert.is(exitCode, code);
    assert.match(
      cli.output(),
      new RegExp(`interrupted by ${signal}; running stages were stopped and their previous outputs restored`),
    );
    assert.not.ok(alive(stagePid), "the stage's process got the signal");
    assert.is(read(dir, "slow.txt"), "quick\n");
    assert.is(read(dir, "pipeline.lock"), lock);
    assert.equal(readdirSync(join(dir, ".repro/tmp/journal")), []);
    assert.not.ok(existsSync(join(dir, ".repro/lock")), "the workspace lock was released");
  });
}

test("after a SIGKILLed repro the next one stops the orphan, restores outputs, and reruns only what is stale", async () => {
  const dir = await upToDateProject();
  const { cli, stagePid } = await startSlowRun(dir);
  cli.kill("SIGKILL");
  await cli.closed;
  assert.ok(alive(stagePid), "SIGKILL leaves the stage's process running");
  assert.ok(existsSync(join(dir, ".repro/lock")), "and the workspace lock behind");
  // The lock and cache are consistent: only `slow` (its dep mode.txt changed) is stale.
  const before = await status({ cwd: dir });
  assert.equal(before.ok && before.value.map((s) => [s.stage, s.state]), [
    ["fast", "up-to-date"],
    ["slow", "stale"],
  ]);
  writeFiles(dir, { "mode.txt": "again\n" });
  const run = await runRepro(dir);
  assert.ok(run.result.ok);
  assert.not.ok(
    run.events.some((e) => e.type === "waiting-for-lock"),
    "a lock held by a dead process is taken over",
  );
  const recovered = run.events.find((e) => e.type === "recovered");
  assert.equal(recovered, {
    type: "recovered",
    stage: "slow",
    detail: "a killed run left it half-done: previous outputs restored, orphaned process stopped",
  });
  await waitFor(() => !alive(stagePid), "the orphaned stage process to stop", 5000);
  assert.equal(run.ran, ["slow"]);
  assert.equal(run.skipped, ["fast"]);
  assert.is(read(dir, "slow.txt"), "again\n");
  assert.equal(readdirSync(join(dir, ".repro/tmp/journal")), []);
});

test("a second repro waits for the first, saying so, then finds the work done", async () => {
  const dir = project({
    "pipeline.yaml":
      "stages:\n  wait:\n    cmd: touch started.flag && while [ ! -f release.flag ]; do sleep 0.02; done && cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n",
    "in.txt": "x\n",
  });
  const first = startCli(dir, ["repro"]);
  await waitFor(() => existsSync(join(dir, "started.flag")), "the first repro's stage to start");
  let waited = false;
  const second = runRepro(dir, {
    onEvent: (event) => {
      if (event.type !== "waiting-for-lock") return;
      waited = event.holder.pid === first.pid;
      writeFileSync(join(dir, "release.flag"), "");
    },
  });
  // Whatever happens, never leave the first repro blocked.
  const failsafe = setTimeout(() => writeFileSync(join(dir, "release.flag"), ""), 20_000);
  const run = await second;
  clearTimeout(failsafe);
  assert.ok(waited, "the second repro reported that it was waiting for the first");
  const [code] = await first.closed;
  assert.is(code, 0, first.output());
  assert.equal(run.skipped, ["wait"], "the first repro had done the work");
});

test("a workspace lock left by a process that no longer exists is recovered", async () => {
  const dir = project({ "pipeline.yaml": "stages:\n  a:\n    cmd: echo 1 > a.txt\n    outs: [a.txt]\n" });
  const gone = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  const deadPid = Number(gone.stdout.trim());
  writeFiles(dir, {
    ".repro/.gitignore": "*\n",
    ".repro/lock": JSON.stringify({ pid: deadPid, command: "repro", sinceMs: Date.now() - 60_000 }),
  });
  const run = await runRepro(dir);
  assert.ok(run.result.ok);
  assert.not.ok(run.events.some((e) => e.type === "waiting-for-lock"));
  assert.equal(run.ran, ["a"]);
  assert.not.ok(existsSync(join(dir, ".repro/lock")));
});

test.run();
