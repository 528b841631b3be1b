// Golden files: the structure of exported graphs (ops, wiring, attribute summaries). A change to the export shows up
// here as a readable diff; regenerate deliberately with UPDATE_GOLDEN=1.
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { summarizeOnnxModel } from "../../../src/ml/onnx/graph-summary.js";
import { buildOnnxModel } from "../../../src/ml/onnx/onnx-model.js";
import { handBuiltCase } from "./hand-built.js";

const options = {
  name: "golden",
  producerVersion: "test",
  docString: "golden",
  metadata: { "tabula.version": "x" },
};

for (const kind of ["regression", "binary", "multiclass"] as const) {
  test(`${kind} graph matches test/ml/onnx/golden/${kind}-graph.txt`, () => {
    const c = handBuiltCase(kind, { trees: 3, depth: 2, seed: 5 });
    const summary = summarizeOnnxModel(buildOnnxModel(c.featurizer, c.ensemble, options));
    const file = new URL(`golden/${kind}-graph.txt`, import.meta.url);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, summary);
    assert.fixture(summary, readFileSync(file, "utf8"));
  });
}

test.run();
