import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readJson, toJson, writeJsonAtomic } from "../../src/ml/io.js";
import { getModelType } from "../../src/ml/models/index.js";
import { TreeEnsembleSchema } from "../../src/ml/models/tree-ensemble.js";
import { readTreeEnsemble } from "../../src/ml/read-trees.js";
import { TREE_ITEMS } from "../../src/ml/write-tree-json.js";
import { friedman, sectors } from "./models/synthetic.js";
import { handBuiltCase } from "./onnx/hand-built.js";

const dir = mkdtempSync(join(tmpdir(), "tabula-read-trees-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Both readers' results, with the typed arrays' kinds, as comparable JSON. */
const described = (value: unknown) =>
  JSON.stringify(value, (_, v) =>
    ArrayBuffer.isView(v) ? { type: v.constructor.name, values: Array.from(v as Float64Array) } : v,
  );

test("reads what readJson reads, tree by tree, whatever the chunk size", async () => {
  const forest = getModelType("forest");
  const gbt = getModelType("gbt");
  if (!forest.ok || !gbt.ok) throw new Error("model types");
  const models = [
    await forest.value.fit(friedman(300, 1), forest.value.params.parse({ n_estimators: 3 }), { seed: 1 }),
    await gbt.value.fit(sectors(300, 3, 2), gbt.value.params.parse({ n_estimators: 3 }), { seed: 1 }),
    handBuiltCase("binary", { trees: 4 }).ensemble,
    // Brackets, braces, quotes and the key itself inside strings must not confuse the scan.
    {
      ...handBuiltCase("regression", { trees: 2 }).ensemble,
      featureNames: ['"trees": [{', "a]}", "b\\", 'c\\"{', "e", "f", "g", "h", "i", "j", "k", "l"].slice(
        0,
        9,
      ),
    },
  ];
  for (const [m, model] of models.entries()) {
    const path = join(dir, `model-${m}.json`);
    writeJsonAtomic(path, model, TREE_ITEMS);
    const expected = readJson(path, TreeEnsembleSchema);
    assert.ok(expected.ok, `model ${m}: readJson`);
    for (const chunk of [1, 7, 64, 1 << 24]) {
      const read = readTreeEnsemble(path, chunk);
      assert.ok(read.ok, `model ${m}, chunk ${chunk}: ${read.ok ? "" : read.error.message}`);
      assert.is(described(read.value), described(expected.value), `model ${m}, chunk ${chunk}`);
    }
  }
});

test("fails as readJson does: missing file, invalid JSON, a tree or a field off its schema", () => {
  const ensemble = handBuiltCase("regression", { trees: 2 }).ensemble;
  const json = JSON.parse(toJson(ensemble)) as { trees: { threshold: number[] }[]; outputs: unknown };
  const offTree = structuredClone(json);
  (offTree.trees[1] as { threshold: number[] }).threshold[0] = 0.1;
  const offField = { ...structuredClone(json), outputs: "one" };
  const cases: [string, string | undefined][] = [
    ["missing.json", undefined],
    ["invalid.json", `${toJson(ensemble).slice(0, 200)}`],
    ["off-tree.json", toJson(offTree)],
    ["off-field.json", toJson(offField)],
    ["no-trees.json", toJson({ ...json, trees: [] })],
  ];
  for (const [name, text] of cases) {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    const expected = readJson(path, TreeEnsembleSchema);
    const read = readTreeEnsemble(path, 64);
    if (expected.ok || read.ok) throw new Error(`${name}: read without an error`);
    assert.is(read.error.kind, "artifact");
    if (name !== "invalid.json") assert.is(read.error.message, expected.error.message, name);
    else assert.match(read.error.message, /^not valid JSON/);
  }
});

test.run();
