// The prediction log's queue keeps each entry's bytes and feature rows in its own arrays: a batch taken from it
// holds every entry in order (across growth of those arrays), and the next batch starts empty.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LogBatchBuilder } from "../../serve/log-batch-builder.js";
import type { LogEntry } from "../../serve/prediction-log-protocol.js";

function entry(i: number): LogEntry {
  const body = new TextEncoder().encode(
    JSON.stringify({ features: { x: i }, pad: "p".repeat(i % 7) }).repeat(40),
  );
  return {
    requestId: `r-${i}`,
    time: 1_000 + i,
    version: "v1",
    rows: 1 + (i % 3),
    request: body,
    predictions: `[${i}]`,
    latencyMs: i / 10,
    features: Float32Array.from({ length: 13 * (1 + (i % 3)) }, (_, k) => i + k / 16),
  };
}

test("a batch holds every entry in order, beyond the arrays' initial size, and the next one starts empty", () => {
  const builder = new LogBatchBuilder();
  const entries = Array.from({ length: 3000 }, (_, i) => entry(i));
  for (const e of entries) builder.add(e);
  assert.is(builder.length, 3000);
  const batch = builder.take();
  assert.is(builder.length, 0);
  assert.equal(
    batch.requestIds,
    entries.map((e) => e.requestId),
  );
  assert.equal(
    batch.predictions,
    entries.map((e) => e.predictions),
  );
  let bodyStart = 0;
  let featureStart = 0;
  for (const [i, e] of entries.entries()) {
    assert.is(batch.times[i], e.time);
    assert.is(batch.rows[i], e.rows);
    const bodyEnd = batch.bodyEnds[i] as number;
    assert.equal([...batch.bodies.subarray(bodyStart, bodyEnd)], [...e.request]);
    const featureEnd = batch.featureEnds[i] as number;
    assert.equal([...batch.features.subarray(featureStart, featureEnd)], [...e.features]);
    bodyStart = bodyEnd;
    featureStart = featureEnd;
  }
  assert.is(batch.bodies.length, bodyStart);
  assert.is(batch.features.length, featureStart);

  builder.add(entries[5] as LogEntry);
  const next = builder.take();
  assert.equal(next.requestIds, ["r-5"]);
  assert.equal([...next.bodies], [...(entries[5] as LogEntry).request]);
  assert.ok(
    next.bodies.buffer !== batch.bodies.buffer,
    "a taken batch's storage is never reused (it is transferred)",
  );
});

test.run();
