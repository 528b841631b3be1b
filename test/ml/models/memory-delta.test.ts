import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyMemoryDelta, memoryDelta, memoryLayout } from "../../../src/ml/models/hist/memory-delta.js";

const shared = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));

interface Memory {
  bins: Float64Array;
  plan: Float64Array;
  histograms: Float64Array[];
  binning?: { x: Float64Array };
  version: number;
}

/** What a worker thread ends up holding: the delta through a structured clone, applied to what it held. */
const received = (delta: unknown, held: Memory | undefined) =>
  applyMemoryDelta(structuredClone(delta), held) as Memory;

test("memory delta: a worker keeps the very array objects it holds, takes the new ones, and sees the new numbers", () => {
  const memory: Memory = { bins: shared(4), plan: shared(2), histograms: [shared(3)], version: 0 };
  memory.binning = { x: shared(5) };
  const first = received(memoryDelta(memory, undefined), undefined);
  assert.is.not(first.bins, memory.bins, "a first message clones every array");
  const layout = memoryLayout(memory);

  const added = shared(3);
  memory.histograms = [...memory.histograms, added];
  memory.plan = shared(8);
  memory.binning = undefined;
  memory.version = 1;
  const second = received(memoryDelta(memory, layout), first);

  assert.is(second.bins, first.bins, "unchanged arrays are the same objects on the worker's side");
  assert.is(second.histograms[0], first.histograms[0]);
  assert.is.not(second.plan, first.plan);
  assert.is(second.plan.length, 8);
  assert.is(second.histograms.length, 2);
  assert.is(second.binning, undefined);
  assert.is(second.version, 1);
  // The new objects are views of the same shared memory as the calling thread's.
  added[2] = 7.5;
  memory.bins[1] = -2;
  assert.is(second.histograms[1]?.[2], 7.5);
  assert.is(second.bins[1], -2);
});

test("memory delta: against another layout nothing is kept", () => {
  const memory: Memory = { bins: shared(4), plan: shared(2), histograms: [shared(3)], version: 0 };
  const other: Memory = { bins: shared(4), plan: shared(2), histograms: [shared(3)], version: 0 };
  const delta = memoryDelta(memory, memoryLayout(other)) as Memory;
  assert.is(delta.bins, memory.bins);
  assert.is(delta.histograms[0], memory.histograms[0]);
});

test.run();
