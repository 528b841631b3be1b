// writeJsonAtomic writes a model a tree at a time, in the same bytes as toJson (the whole file as one string).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { toJson, writeJsonAtomic, writeJsonParts } from "../../src/ml/io.js";
import { forest } from "../../src/ml/models/forest.js";
import { gbt } from "../../src/ml/models/gbt.js";
import { TREE_ITEMS } from "../../src/ml/write-tree-json.js";
import { tempFile } from "./data/temp.js";
import { friedman, sectors } from "./models/synthetic.js";

/** A part as text (a bytes part is a view of a buffer that is reused: decoded at once). */
const asText = (part: string | Uint8Array) =>
  typeof part === "string" ? part : Buffer.from(part).toString("utf8");

test("a forest and a boosted model written a part at a time: the bytes of toJson, one part per tree", async () => {
  const models = [
    await forest.fit(friedman(200, 3), forest.params.parse({ n_estimators: 4 }), { seed: 3 }),
    await gbt.fit(sectors(300, 3, 5), gbt.params.parse({ n_estimators: 3 }), { seed: 3 }),
  ];
  for (const model of models) {
    const parts: string[] = [];
    writeJsonParts(model, (part) => parts.push(asText(part)), TREE_ITEMS);
    assert.is(parts.join(""), toJson(model));
    assert.ok(parts.length > model.trees.length, `${parts.length} parts for ${model.trees.length} trees`);
    const path = tempFile("trees.json", "");
    writeJsonAtomic(path, model, TREE_ITEMS);
    assert.is(readFileSync(path, "utf8"), toJson(model));
  }
});

test("values with nothing to split (plain records, plain arrays, empty arrays) are written whole, as toJson", () => {
  for (const value of [
    { a: 1, b: "x" },
    { rows: [1, 2, 3], nested: [[1], [2]], empty: [], skipped: undefined },
    [{ a: 1 }, { b: [1, 2] }],
    { records: [{ a: 1, gone: undefined }, { b: [1, 2] }], tail: { c: null } },
    7,
  ]) {
    const parts: string[] = [];
    writeJsonParts(value, (part) => parts.push(asText(part)));
    assert.is(parts.join(""), toJson(value));
  }
});

test.run();
