// After a model load the server collects its garbage and gives the freed heap pages back (serve/release-memory.ts):
// the heap V8 grew for short-lived objects shrinks again, and no `gc` global is left behind for other code to see.
import { runInNewContext } from "node:vm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { releaseFreedMemory } from "../../serve/release-memory.js";

const MB = 2 ** 20;

function makeGarbage(): number {
  // About 40 MB of small objects that live long enough to be promoted, then become garbage all at once.
  let kept: { id: number; label: string }[][] = [];
  for (let chunk = 0; chunk < 40; chunk++)
    kept.push(Array.from({ length: 20_000 }, (_, i) => ({ id: i, label: `row ${chunk}-${i}` })));
  const count = kept.length;
  kept = [];
  return count;
}

test("the heap grown for garbage shrinks back after releaseFreedMemory", () => {
  releaseFreedMemory();
  const before = process.memoryUsage().heapTotal;
  makeGarbage();
  const grown = process.memoryUsage().heapTotal;
  assert.ok(grown - before > 20 * MB, `the garbage grew the heap (${((grown - before) / MB).toFixed(1)} MB)`);
  releaseFreedMemory();
  const after = process.memoryUsage().heapTotal;
  assert.ok(
    after - before < 5 * MB,
    `heap ${(before / MB).toFixed(1)} MB before, ${(grown / MB).toFixed(1)} with the garbage, ${(after / MB).toFixed(1)} after`,
  );
});

test("no gc global is exposed to the program or to contexts made later", () => {
  releaseFreedMemory();
  assert.is(typeof (globalThis as { gc?: unknown }).gc, "undefined");
  assert.is(runInNewContext("typeof gc"), "undefined");
});

test.run();
