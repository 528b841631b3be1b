// Histogram trees learn where missing values go (a default direction per split). The learned direction reaches
// the exported model: the JS reference and onnxruntime (nodes_missing_value_tracks_true) send NaN the same way.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FEATURIZER_FORMAT, type Featurizer } from "../../../src/ml/features/featurizer-spec.js";
import { compileEnsemble } from "../../../src/ml/models/batch-predictor.js";
import { gbt } from "../../../src/ml/models/gbt.js";
import { predictOutputs, TreeEnsembleSchema } from "../../../src/ml/models/tree-ensemble.js";
import { buildOnnxModel } from "../../../src/ml/onnx/onnx-model.js";
import { createSession, runModel } from "../../../src/ml/onnx/onnx-session.js";
import { friedman, meanSquaredError } from "../models/synthetic.js";

test("NaN goes where training learned it should, in the JS trees and in onnxruntime alike", async () => {
  // Missing x3 means a high target: the best place for missing rows is with the high x3 values, i.e. right
  // in some splits and left in others (after the trees start correcting), so both directions get learned.
  const data = friedman(4000, 3, { noise: 0.5 });
  const test = friedman(1000, 4);
  for (const set of [data, test])
    for (let i = 0; i < set.rows; i += 5) {
      set.x[i * 6 + 3] = Number.NaN;
      set.y[i] = (set.y[i] as number) + (i % 10 === 0 ? 8 : -8);
    }
  // Through its JSON, as the package stage reads it.
  const fitted = await gbt.fit(
    data,
    gbt.params.parse({ n_estimators: 40, tree_method: "hist", max_depth: 4 }),
    {
      seed: 1,
    },
  );
  const model = TreeEnsembleSchema.parse(JSON.parse(JSON.stringify(fitted)));
  const learnedLeft = model.trees.filter((tree) => tree.missingLeft?.includes(1)).length;
  assert.ok(learnedLeft > 0, "some split sends missing values left");

  const featurizer: Featurizer = {
    format: FEATURIZER_FORMAT,
    inputs: data.features.map((name) => ({ name, kind: "numeric" as const })),
    steps: [],
    outputs: data.features,
  };
  const session = await createSession(
    buildOnnxModel(featurizer, model, { name: "t", producerVersion: "t", docString: "", metadata: {} }),
  );
  const onnx = (await runModel(session, test.x, 6)).prediction as Float32Array;
  await session.release();
  const reference = predictOutputs(model, test.x);
  const batch = compileEnsemble(model).outputs(test.x);
  for (let i = 0; i < test.rows; i++) {
    assert.ok(Math.abs((onnx[i] as number) - (reference[i] as number)) < 1e-4, `row ${i}`);
    assert.is(batch[i], reference[i]);
  }
  assert.ok(
    meanSquaredError(reference, test.y) < 0.3 * meanSquaredError(new Float64Array(test.rows), test.y),
  );
});

test.run();
