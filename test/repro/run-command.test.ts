import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RunningCommand } from "../../src/repro/run/run-command.js";

const dirs: string[] = [];
function command(script: string) {
  const dir = mkdtempSync(join(tmpdir(), "tabula-run-command-"));
  dirs.push(dir);
  const lines: string[] = [];
  const running = new RunningCommand(script, {
    cwd: dir,
    env: process.env,
    onLine: (_, line) => lines.push(line),
  });
  return { dir, running, lines };
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("a stage command waits for release: its process exists (a pid to record) before the command runs", async () => {
  const { dir, running, lines } = command("touch ran.txt && echo started");
  assert.type(running.pid, "number");
  await pause(200);
  assert.not.ok(existsSync(join(dir, "ran.txt")), "nothing ran before release");
  running.release();
  const result = await running.done;
  assert.equal(result, { exitCode: 0, signal: null });
  assert.ok(existsSync(join(dir, "ran.txt")));
  assert.equal(lines, ["started"]);
});

test("a stage command whose repro died before releasing it never runs", async () => {
  const { dir, running } = command("touch ran.txt");
  // What the end of a killed repro does to the pipe: it closes without the line.
  running.child.stdin?.destroy();
  const result = await running.done;
  assert.is(result.exitCode, 125);
  assert.not.ok(existsSync(join(dir, "ran.txt")), "the command did not run");
});

test("a released command sees its stdin end, as a command given no input would", async () => {
  const { running, lines } = command("cat; echo done");
  running.release();
  assert.equal(await running.done, { exitCode: 0, signal: null });
  assert.equal(lines, ["done"]);
});

test.run();
