// The git revision stamped into a package is that of its inputs, not HEAD: committing something else (such as
// pipeline.lock after a run) must not change the artifact's bytes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { declaredDeps, sourceRevision } from "../../src/package/source-revision.js";

const dir = mkdtempSync(join(tmpdir(), "tabula-source-rev-"));
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
const commit = (file: string, text: string) => {
  writeFileSync(join(dir, file), text);
  git("add", file);
  git("commit", "-qm", file);
  return git("rev-parse", "HEAD");
};
const inRepo = <T>(run: () => T): T => {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return run();
  } finally {
    process.chdir(previous);
  }
};

git("init", "-q");
const first = commit("input.csv", "a\n1\n");
const second = commit("pipeline.lock", "stages: {}\n");

test("the last commit that touched the declared deps, not HEAD", () => {
  assert.is(
    inRepo(() => sourceRevision(["input.csv", "generated-and-ignored.json"])),
    first,
  );
  assert.is.not(first, second);
});

test("deps git does not track: untracked, not HEAD", () => {
  assert.is(
    inRepo(() => sourceRevision(["generated-and-ignored.json"])),
    "untracked",
  );
});

test("without deps: HEAD", () => {
  assert.is(
    inRepo(() => sourceRevision()),
    second,
  );
});

test("a changed tracked dep marks it dirty; a change elsewhere does not", () => {
  writeFileSync(join(dir, "pipeline.lock"), "stages: {changed: 1}\n");
  assert.is(
    inRepo(() => sourceRevision(["input.csv"])),
    first,
  );
  writeFileSync(join(dir, "input.csv"), "a\n2\n");
  assert.is(
    inRepo(() => sourceRevision(["input.csv"])),
    `${first}-dirty`,
  );
});

test("outside a git repository: unknown", () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "tabula-no-git-"));
  const previous = process.cwd();
  process.chdir(elsewhere);
  try {
    assert.is(sourceRevision(["x"]), "unknown");
  } finally {
    process.chdir(previous);
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("the deps the engine declared, from TABULA_STAGE_DEPS", () => {
  assert.equal(declaredDeps({ TABULA_STAGE_DEPS: '["a.csv","src"]' }), ["a.csv", "src"]);
  assert.is(declaredDeps({}), undefined);
  assert.is(declaredDeps({ TABULA_STAGE_DEPS: "not json" }), undefined);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
