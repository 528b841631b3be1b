// The prediction log's queue keeps every field of each entry in its own typed arrays: a batch taken from it holds
// every entry in order (across growth of those arrays; ids and bodies that are not ASCII included), and the next
// batch starts empty, in storage of its own unless a written batch's storage was given back (recycled).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { batchBuffers, LogBatchBuilder } from "../../serve/log-batch-builder.js";
import type { LogEntry } from "../../serve/prediction-log-protocol.js";

function entry(i: number): LogEntry {
  const body = new TextEncoder().encode(
    JSON.stringify({
      features: { x: i },
      pad: "p".repeat(i % 7),
      name: i % 5 === 0 ? "Zürich ✓" : "z",
    }).repeat(40),
  );
  return {
    requestId: i % 11 === 0 ? `réquest-${i}-✓` : `r-${i}`,
    time: 1_700_000_000_000 + i,
    version: i % 2 === 0 ? "v1" : "v2",
    rows: 1 + (i % 3),
    request: body,
    predictions: `[${i + 0.5}]`,
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
  assert.is(batch.count, 3000);
  const decoder = new TextDecoder();
  let textStart = 0;
  let featureStart = 0;
  for (const [i, e] of entries.entries()) {
    const [idEnd, predictionsEnd, bodyEnd] = [0, 1, 2].map((k) => batch.textEnds[3 * i + k] as number) as [
      number,
      number,
      number,
    ];
    assert.is(decoder.decode(batch.text.subarray(textStart, idEnd)), e.requestId);
    assert.is(decoder.decode(batch.text.subarray(idEnd, predictionsEnd)), e.predictions);
    assert.equal([...batch.text.subarray(predictionsEnd, bodyEnd)], [...e.request]);
    assert.is(batch.times[i], e.time);
    assert.is(batch.latenciesMs[i], e.latencyMs);
    assert.is(batch.rows[i], e.rows);
    assert.is(batch.versions[batch.versionIndexes[i] as number], e.version);
    const featureEnd = batch.featureEnds[i] as number;
    assert.equal([...batch.features.subarray(featureStart, featureEnd)], [...e.features]);
    textStart = bodyEnd;
    featureStart = featureEnd;
  }
  assert.is(batch.text.length, textStart);
  assert.is(batch.features.length, featureStart);

  builder.add(entries[5] as LogEntry);
  const next = builder.take();
  assert.is(next.count, 1);
  assert.equal(next.versions, ["v2"]);
  assert.is(decoder.decode(next.text.subarray(0, next.textEnds[0])), "r-5");
  const before = new Set(batchBuffers(batch));
  assert.ok(
    batchBuffers(next).every((buffer) => !before.has(buffer)),
    "a taken batch's storage is not reused unless it is given back",
  );
});

test("a recycled batch's storage is filled again by the next batch, and a detached one is ignored", () => {
  const builder = new LogBatchBuilder();
  builder.add(entry(1));
  const first = builder.take();
  const firstBuffers = batchBuffers(first);
  builder.recycle(first);
  builder.add(entry(2));
  builder.take(); // filled the storage in use before the recycled one was given back
  builder.add(entry(3));
  const third = builder.take();
  assert.equal(batchBuffers(third), firstBuffers, "the third batch is written into the first one's buffers");
  assert.is(third.count, 1);
  assert.is(new TextDecoder().decode(third.text.subarray(0, third.textEnds[0])), "r-3");
  assert.equal([...third.features], [...entry(3).features]);

  const detached = builder.take();
  structuredClone(detached, { transfer: batchBuffers(detached) });
  builder.recycle(detached);
  builder.add(entry(4));
  const fourth = builder.take();
  assert.ok(batchBuffers(fourth).every((buffer) => buffer.byteLength > 0));
  assert.is(fourth.count, 1);
});

test.run();
