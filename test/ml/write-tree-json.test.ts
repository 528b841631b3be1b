// A model's trees written straight from their typed arrays (write-tree-json.ts) give the bytes of toJson, the
// writer that goes through Tree.toJSON, JSON.stringify and JSON.parse: every learner on every task, and trees with
// the numbers and shapes learners rarely make.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { toJson, writeJsonAtomic, writeJsonParts } from "../../src/ml/io.js";
import { TREE_FORMAT, Tree, type TreeEnsemble } from "../../src/ml/models/tree-ensemble.js";
import { TREE_ITEMS, writeTreeJson } from "../../src/ml/write-tree-json.js";
import { tempFile } from "./data/temp.js";
import { everyLearner } from "./models/every-learner.js";

/** The parts writeJsonParts hands on, decoded at once (a bytes part is a view of a reused buffer). */
function partsOf(value: unknown): string[] {
  const parts: string[] = [];
  writeJsonParts(
    value,
    (part) => parts.push(typeof part === "string" ? part : Buffer.from(part).toString("utf8")),
    TREE_ITEMS,
  );
  return parts;
}

function ensembleOf(trees: Tree[], outputs: number): TreeEnsemble {
  return {
    format: TREE_FORMAT,
    task: "regression",
    modelType: "test",
    featureNames: ["a", "b", "c"],
    outputs,
    aggregate: "sum",
    base: Array.from({ length: outputs }, () => 0.5),
    postTransform: "none",
    trees,
  };
}

test("every learner and task: the bytes of toJson, in the file and in parts", async () => {
  const cases = await everyLearner();
  assert.ok(cases.length >= 20, `${cases.length} cases`);
  assert.ok(
    cases.some((c) => c.ensemble.trees.some((tree) => tree.missingLeft?.includes(1))),
    "some tree sends missing values left",
  );
  for (const { name, ensemble } of cases) {
    assert.ok(
      ensemble.trees.every((tree) => tree instanceof Tree),
      `${name}: trees are Tree`,
    );
    assert.is(partsOf(ensemble).join(""), toJson(ensemble), name);
    const path = tempFile("trees.json", "");
    writeJsonAtomic(path, ensemble, TREE_ITEMS);
    assert.is(readFileSync(path, "utf8"), toJson(ensemble), `${name}: file`);
  }
});

test("numbers learners rarely write: negatives, -0, non-finite, large and fractional; explicit left children", () => {
  const tree = new Tree({
    feature: Int32Array.from([1, -1, 2, -1, -1]),
    threshold: Float32Array.from([-0.5, 0, 3.4028234663852886e38, 0, 0]),
    // Not pre-order: node 0's left child is node 2.
    left: Int32Array.from([2, -1, 3, -1, -1]),
    right: Int32Array.from([1, -1, 4, -1, -1]),
    value: Float64Array.from([
      -0,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -2147483648,
      2147483648,
      -1e-7,
      123456789.125,
      Number.MIN_VALUE,
      -Number.MAX_VALUE,
    ]),
    samples: Float64Array.from([10.5, 4, 6.25, 2 ** 40, -3]),
    missingLeft: Uint8Array.from([1, 0, 0, 0, 0]),
  });
  const empty = new Tree({
    feature: new Int8Array(0),
    threshold: new Float32Array(0),
    right: new Int32Array(0),
    value: new Float64Array(0),
  });
  const noneLeft = new Tree({
    feature: Int8Array.from([0, -1, -1]),
    threshold: Float32Array.from([0.25, 0, 0]),
    right: Int32Array.from([2, -1, -1]),
    value: Float64Array.from([1, 2, 3, 4, 5, 6]),
    samples: Float32Array.from([3, 1, 2]),
    missingLeft: new Uint8Array(3),
  });
  assert.is(tree.left?.[0], 2, "the tree keeps its explicit left children");
  const ensemble = ensembleOf([tree, empty, noneLeft], 2);
  assert.is(partsOf(ensemble).join(""), toJson(ensemble));
});

test("a large tree goes out in parts of at most a megabyte, the same bytes", () => {
  const nodes = 200_001;
  const feature = new Int16Array(nodes);
  const right = new Int32Array(nodes);
  const threshold = new Float32Array(nodes);
  const value = new Float64Array(nodes);
  // A left comb: inner node i has left child i + 1 and a leaf as right child at the end.
  const inner = (nodes - 1) / 2;
  for (let i = 0; i < nodes; i++) {
    value[i] = Math.sin(i) * 1000;
    if (i < inner) {
      feature[i] = i % 300;
      threshold[i] = Math.fround(Math.cos(i));
      right[i] = inner + 1 + i;
    } else feature[i] = -1;
  }
  const ensemble = ensembleOf([new Tree({ feature, threshold, right, value })], 1);
  const parts: number[] = [];
  let text = "";
  writeTreeJson(ensemble.trees[0] as Tree, "    ", (part) => {
    parts.push(part.length);
    text += Buffer.from(part).toString("utf8");
  });
  assert.ok(parts.length > 3, `${parts.length} parts`);
  assert.ok(
    parts.every((length) => length <= 1 << 20),
    "parts of at most a megabyte",
  );
  assert.ok(toJson(ensemble).includes(`\n    ${text}\n`), "the tree as toJson writes it inside the model");
  assert.is(partsOf(ensemble).join(""), toJson(ensemble));
});

test.run();
