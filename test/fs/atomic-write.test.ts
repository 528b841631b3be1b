import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createDirectoryAtomic, replaceDirectoryAtomic, writeFileAtomic } from "../../src/fs/atomic-write.js";

function scratch() {
  return mkdtempSync(join(tmpdir(), "tabula-atomic-"));
}

test("replacing a directory leaves exactly the new files, and no temporary names", () => {
  const dir = scratch();
  const target = join(dir, "package");
  mkdirSync(target);
  writeFileSync(join(target, "stale.txt"), "old");
  replaceDirectoryAtomic(target, { "a.txt": "new a", "b.bin": new Uint8Array([1, 2, 3]) });
  assert.equal(readdirSync(target).sort(), ["a.txt", "b.bin"]);
  assert.is(readFileSync(join(target, "a.txt"), "utf8"), "new a");
  assert.equal(readdirSync(dir), ["package"]);
  rmSync(dir, { recursive: true, force: true });
});

test("a write that fails half way leaves the old directory as it was, and nothing else", () => {
  const dir = scratch();
  const target = join(dir, "package");
  replaceDirectoryAtomic(target, { "a.txt": "old a" });
  // The second file cannot be written (its parent directory does not exist): the first must not show up either.
  assert.throws(() => replaceDirectoryAtomic(target, { "a.txt": "new a", "missing/b.txt": "b" }), /ENOENT/);
  assert.equal(readdirSync(target), ["a.txt"]);
  assert.is(readFileSync(join(target, "a.txt"), "utf8"), "old a");
  assert.equal(readdirSync(dir), ["package"]);
  rmSync(dir, { recursive: true, force: true });
});

test("creating a directory that exists fails without touching it", () => {
  const dir = scratch();
  const target = join(dir, "v1");
  createDirectoryAtomic(target, { "model.onnx": "one" });
  assert.throws(() => createDirectoryAtomic(target, { "model.onnx": "two" }), /EEXIST|ENOTEMPTY/);
  assert.is(readFileSync(join(target, "model.onnx"), "utf8"), "one");
  assert.equal(readdirSync(dir), ["v1"]);
  rmSync(dir, { recursive: true, force: true });
});

test("a file is replaced whole", () => {
  const dir = scratch();
  const path = join(dir, "aliases.json");
  writeFileAtomic(path, "first");
  writeFileAtomic(path, "second");
  assert.is(readFileSync(path, "utf8"), "second");
  assert.equal(readdirSync(dir), ["aliases.json"]);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
