import type { Stats } from "node:fs";
import { statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { directoryHash, Hasher } from "../../src/repro/hash/path-hash.js";
import { StatCache } from "../../src/repro/hash/stat-cache.js";
import { hashBytes, hashFile } from "../../src/repro/hash/xxh3.js";
import { reproDir } from "../../src/repro/repro-dir.js";
import { project, removeProjects, writeFiles } from "./helpers.js";

test.after(removeProjects);

const fakeStats = (mtimeMs: number, size = 3): Stats =>
  ({ ino: 7, size, mtimeMs, ctimeMs: mtimeMs }) as Stats;

test("file hashes are 128-bit, stable, and equal for equal bytes wherever they are", () => {
  const dir = project({ "a.txt": "same\n", "b/c.txt": "same\n", "d.txt": "other\n" });
  const a = hashFile(join(dir, "a.txt"));
  assert.match(a.hash, /^[0-9a-f]{32}$/);
  assert.is(a.size, 5);
  assert.is(hashFile(join(dir, "b/c.txt")).hash, a.hash);
  assert.is.not(hashFile(join(dir, "d.txt")).hash, a.hash);
  assert.is(hashBytes("same\n"), hashBytes(Buffer.from("same\n")));
  // Larger than one 2 MiB read, so the streaming path is exercised across chunks.
  const big = Buffer.alloc(5 * 1024 * 1024 + 3, 1);
  writeFileSync(join(dir, "big.bin"), big);
  const once = hashFile(join(dir, "big.bin"));
  assert.is(once.size, big.length);
  assert.is(hashFile(join(dir, "big.bin")).hash, once.hash);
});

test("a directory hash covers relative paths and contents, not empty directories or timestamps", () => {
  const hashOf = (files: Record<string, string>) => {
    const dir = project(files);
    const hasher = new Hasher(dir, StatCache.load(reproDir(dir)));
    const state = hasher.state("d");
    if (state?.kind !== "dir") throw new Error("expected a directory");
    return state;
  };
  const base = hashOf({ "d/a.txt": "1", "d/sub/b.txt": "2" });
  assert.is(base.nfiles, 2);
  assert.is(base.size, 2);
  assert.equal(
    base.entries.map((e) => e.path),
    ["a.txt", "sub/b.txt"],
  );
  assert.is(base.hash, directoryHash(base.entries));
  assert.is(hashOf({ "d/sub/b.txt": "2", "d/a.txt": "1" }).hash, base.hash, "creation order does not matter");
  assert.is(hashOf({ "d/a.txt": "1", "d/sub/b.txt": "2", "d/empty/.keep": "" }).nfiles, 3);
  assert.is.not(hashOf({ "d/a.txt": "1", "d/sub/c.txt": "2" }).hash, base.hash, "a rename changes the hash");
  assert.is.not(hashOf({ "d/a.txt": "1", "d/sub/b.txt": "3" }).hash, base.hash, "content changes the hash");
});

test("stat cache: a matching stat strictly older than the recorded fs clock is trusted", () => {
  const dir = project({});
  const cache = StatCache.load(reproDir(dir));
  cache.record("f", fakeStats(1000), 2000, "h");
  assert.is(cache.lookup("f", fakeStats(1000)), "h");
  assert.is(cache.lookup("f", fakeStats(1001)), undefined, "a different mtime is a miss");
  assert.is(cache.lookup("f", fakeStats(1000, 4)), undefined, "a different size is a miss");
  assert.is(
    cache.lookup("f", { ...fakeStats(1000), ino: 8 } as Stats),
    undefined,
    "a different inode is a miss",
  );
});

test("stat cache: racy entries (mtime not older than the clock when hashed) are never trusted", () => {
  const dir = project({});
  const cache = StatCache.load(reproDir(dir));
  // With coarse timestamps a file written in the same tick as it was hashed can change again unseen.
  cache.record("same-tick", fakeStats(2000), 2000, "h");
  cache.record("later", fakeStats(2500), 2000, "h");
  assert.is(cache.lookup("same-tick", fakeStats(2000)), undefined);
  assert.is(cache.lookup("later", fakeStats(2500)), undefined);
});

test("a trusted stat-cache entry is used without reading the file (that is what makes no-op runs cheap)", () => {
  const dir = project({ "f.txt": "abc" });
  const paths = reproDir(dir);
  const statCache = StatCache.load(paths);
  const real = new Hasher(dir, statCache).state("f.txt");
  statCache.save();
  // Make the saved cache claim another hash for the file's current, non-racy stat: the hasher believes it.
  const reloaded = StatCache.load(paths);
  const stats = statSync(join(dir, "f.txt"));
  reloaded.record("f.txt", stats, stats.mtimeMs + 1, "0".repeat(32));
  assert.is(new Hasher(dir, reloaded).state("f.txt")?.hash, "0".repeat(32));
  assert.is.not(real?.hash, "0".repeat(32));
});

test("the hasher sees a same-size rewrite made right after hashing (same timestamp tick)", () => {
  const dir = project({ "f.txt": "aaa" });
  const paths = reproDir(dir);
  const statCache = StatCache.load(paths);
  const first = new Hasher(dir, statCache).state("f.txt");
  statCache.save();
  writeFiles(dir, { "f.txt": "bbb" });
  const after = new Hasher(dir, StatCache.load(paths)).state("f.txt");
  assert.is.not(after?.hash, first?.hash);
  assert.is(after?.hash, hashFile(join(dir, "f.txt")).hash);
});

test("a symlink from inside a directory back to an ancestor is walked once", () => {
  const dir = project({ "d/a.txt": "1" });
  symlinkSync(".", join(dir, "d/loop"));
  const state = new Hasher(dir, StatCache.load(reproDir(dir))).state("d");
  assert.equal(state?.kind === "dir" && state.entries.map((e) => e.path), ["a.txt"]);
});

test("a directory's files are rechecked one by one: a same-size rewrite right after hashing is seen", () => {
  const dir = project({ "d/a.txt": "aaa", "d/b.txt": "bbb" });
  const paths = reproDir(dir);
  const hashWith = () => {
    const statCache = StatCache.load(paths);
    const state = new Hasher(dir, statCache).state("d");
    statCache.save();
    if (state?.kind !== "dir") throw new Error("expected a directory");
    return state;
  };
  const first = hashWith();
  writeFiles(dir, { "d/b.txt": "BBB" });
  const second = hashWith();
  assert.is.not(second.hash, first.hash);
  assert.equal(
    second.entries.map((e) => e.hash),
    [first.entries[0]?.hash, hashFile(join(dir, "d/b.txt")).hash],
  );
  const third = hashWith();
  assert.is(third.hash, second.hash, "unchanged since: the same hash, answered from the stat cache");
  assert.equal(third.entries, second.entries);
});

test.run();
