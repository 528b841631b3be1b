// Fuzzing a real server with 10,000 random and mutated bodies (fast-check, fixed seed): every answer is a 2xx or a
// 4xx with the JSON error shape, never a 5xx or a stack trace; the process stays up and its memory stays bounded.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildClassificationPackage } from "./support/fixtures.js";
import { rawPost, request, startChild, tempDir } from "./support/harness.js";

const temp = tempDir("fuzz");
const CASES = 10_000;
const CONCURRENCY = 16;

test.after(() => temp.remove());

interface Case {
  path: string;
  contentType: string;
  body: string;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) / 1024;
}

function cases(valid: Record<string, unknown>, modelName: string): Case[] {
  const names = Object.keys(valid);
  const anyValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, "", "NaN", "Infinity", -0, 1e308, -1e308, 2 ** 53, 0.5, -1, 4e38, [], {}, true),
    fc.double(),
    fc.string({ maxLength: 40 }),
  );
  // A valid row with some of its entries removed, replaced, or added.
  const mutatedRow = fc
    .record({
      drop: fc.subarray(names),
      replace: fc.dictionary(fc.constantFrom(...names), anyValue, { maxKeys: 3 }),
      add: fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 2 }),
    })
    .map(({ drop, replace, add }) => {
      const row: Record<string, unknown> = { ...valid, ...replace, ...add };
      for (const name of drop) delete row[name];
      return row;
    });
  const nearlyValid = fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...names)
        .chain((name) => anyValue.map((value) => ({ ...valid, [name]: value }))),
    },
  );
  const predictBody = fc.oneof(
    nearlyValid.map((row) => ({ features: row })),
    mutatedRow.map((row) => ({ features: row })),
    fc
      .array(fc.oneof(mutatedRow, anyValue), { minLength: 0, maxLength: 12 })
      .map((rows) => ({ instances: rows })),
    fc.record({ features: anyValue, instances: anyValue }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 4 }),
  );
  const tensor = fc.record(
    {
      name: fc.oneof(fc.constantFrom("input", ...names), fc.string({ maxLength: 8 })),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), anyValue),
      datatype: fc.oneof(
        fc.constantFrom("FP32", "FP64", "INT32", "INT64", "BYTES", "FP16", "BOOL"),
        fc.string(),
      ),
      data: fc.oneof(
        fc.array(fc.oneof(anyValue, fc.array(anyValue, { maxLength: 4 })), { maxLength: 10 }),
        anyValue,
      ),
      parameters: anyValue,
    },
    { requiredKeys: ["name", "shape", "datatype", "data"] },
  );
  const inferBody = fc.oneof(
    fc.record(
      { id: anyValue, inputs: fc.array(tensor, { maxLength: 4 }), outputs: anyValue },
      { requiredKeys: ["inputs"] },
    ),
    fc.jsonValue({ maxDepth: 4 }),
  );
  const feedbackBody = fc.record(
    { request_id: anyValue, actual: anyValue, row: anyValue },
    { requiredKeys: [] },
  );
  const json = (arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((value) => JSON.stringify(value) ?? "null");
  const garbled = (arbitrary: fc.Arbitrary<string>) =>
    fc.tuple(arbitrary, fc.nat(), fc.string({ maxLength: 4 })).map(([text, at, insert]) => {
      const cut = text.length === 0 ? 0 : at % text.length;
      return text.slice(0, cut) + insert + text.slice(cut + 1);
    });
  const bodyFor = (arbitrary: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 6, arbitrary: json(arbitrary) },
      { weight: 2, arbitrary: garbled(json(arbitrary)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant("application/json") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "text/plain",
        "application/json; charset=latin1",
        "application/x-www-form-urlencoded",
        "",
      ),
    },
  );
  const one = fc.oneof(
    {
      weight: 7,
      arbitrary: fc.record({ path: fc.constant("/predict"), contentType, body: bodyFor(predictBody) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        path: fc.constantFrom(`/v2/models/${modelName}/infer`, `/v2/models/${modelName}/versions/x/infer`),
        contentType,
        body: bodyFor(inferBody),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ path: fc.constant("/feedback"), contentType, body: bodyFor(feedbackBody) }),
    },
  );
  return fc.sample(one, { numRuns: CASES, seed: 20261123 });
}

test("10,000 random and mutated bodies: no 5xx, no stack trace, the process stays up, memory bounded", async () => {
  const pkg = await buildClassificationPackage(join(temp.dir, "model"));
  const server = await startChild({
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_ACCESS_LOG: "false",
  });
  const pid = server.child.pid as number;
  try {
    const valid = pkg.manifest.golden[0]?.features as Record<string, unknown>;
    let started = performance.now();
    const all = cases(valid, pkg.manifest.name);
    const sampledMs = performance.now() - started;
    started = performance.now();
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let rssAfterWarmUp = 0;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < all.length; i = next++) {
        const c = all[i] as Case;
        const headers: Record<string, string> = c.contentType ? { "content-type": c.contentType } : {};
        const response = await rawPost(`${server.url}${c.path}`, c.body, headers);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        let shape: { error?: unknown } | undefined;
        try {
          shape = JSON.parse(response.text);
        } catch {}
        const wellFormed =
          response.status < 400 ||
          (c.path.startsWith("/v2") ? typeof shape?.error === "string" : typeof shape?.error === "object");
        if (response.status >= 500 || !wellFormed || response.text.includes("    at "))
          bad.push(
            `${response.status} ${c.path} ${c.contentType} ${c.body.slice(0, 200)} → ${response.text.slice(0, 200)}`,
          );
        if (i === 1000) rssAfterWarmUp = rssMb(pid);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const rssAtEnd = rssMb(pid);
    console.log(
      `fuzz: sampled ${all.length} cases in ${sampledMs.toFixed(0)} ms, sent them in ${(performance.now() - started).toFixed(0)} ms`,
    );
    assert.equal(bad.slice(0, 5), [], `${bad.length} bad answers`);
    assert.ok(
      (statuses.get(200) ?? 0) > 100,
      `some mutated bodies were still valid: ${JSON.stringify([...statuses])}`,
    );
    assert.ok((statuses.get(400) ?? 0) > 1000, "most were refused with 400");
    assert.is((await request(`${server.url}/healthz`)).status, 200, "the process is up");
    assert.ok(
      rssAtEnd - rssAfterWarmUp < 64,
      `memory bounded: ${rssAfterWarmUp.toFixed(0)} → ${rssAtEnd.toFixed(0)} MB`,
    );
  } finally {
    server.child.kill("SIGTERM");
    assert.is(await server.exited, 0);
  }
});

test.run();
