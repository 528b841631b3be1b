// scripts/run-tests.mjs on a real test file whose tool is missing (PATH without kubectl): each skipped test is
// counted and printed with its reason, the summary says "N skipped"; TABULA_REQUIRE_TOOLS=1 makes the same skips
// failures.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const bin = mkdtempSync(join(tmpdir(), "tabula-bin-"));
symlinkSync(process.execPath, join(bin, "node"));
test.after(() => rmSync(bin, { recursive: true, force: true }));

function runTests(extraEnv: Record<string, string>) {
  return spawnSync(process.execPath, ["scripts/run-tests.mjs", "test/deploy/k8s.test.ts"], {
    encoding: "utf8",
    env: { ...process.env, PATH: bin, TEST_JOBS: "1", TABULA_REQUIRE_TOOLS: "", ...extraEnv },
  });
}

test("a missing tool skips its tests, each with the reason, counted in the summary", () => {
  const result = runTests({});
  assert.is(result.status, 0, result.stdout + result.stderr);
  const summary = result.stdout.trim().split("\n").at(-1) ?? "";
  const skipped = Number(summary.match(/^0 passed, 0 failed, (\d+) skipped$/)?.[1]);
  assert.ok(skipped >= 10, `summary: ${summary}`);
  const reasons = result.stdout.split("\n").filter((line) => line.startsWith("     skipped: "));
  assert.is(reasons.length, skipped, result.stdout);
  for (const line of reasons) assert.match(line, /: kubectl is not installed \(https:\/\/kubernetes\.io/);
});

test("TABULA_REQUIRE_TOOLS=1 turns those skips into failures", () => {
  const result = runTests({ TABULA_REQUIRE_TOOLS: "1" });
  assert.is(result.status, 1, result.stdout);
  assert.match(result.stdout, /^0 passed, \d+ failed, 0 skipped$/m);
  assert.match(result.stdout, /kubectl is not installed .*TABULA_REQUIRE_TOOLS=1: a skip is a failure/);
});

test.run();
