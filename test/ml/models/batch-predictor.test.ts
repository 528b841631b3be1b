import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileEnsemble, getModelType, MODEL_TYPE_NAMES } from "../../../src/ml/models/index.js";
import type { TrainingSet } from "../../../src/ml/models/model-type.js";
import { predictOutputs, predictScores } from "../../../src/ml/models/tree-ensemble.js";
import { friedman, sectors } from "./synthetic.js";

const datasets: TrainingSet[] = [friedman(80, 1), sectors(80, 2, 2), sectors(80, 3, 3)];

test("the compiled predictor equals the reference exactly, for every model type and task", async () => {
  for (const name of MODEL_TYPE_NAMES) {
    const found = getModelType(name);
    if (!found.ok) throw new Error(name);
    for (const data of datasets) {
      const params = found.value.params.parse({ n_estimators: 5 });
      const model = await found.value.fit(data, params, { seed: 1 });
      const probe = friedman(60, 9, { extra: data.features.length - 5 }).x.map((v, i) =>
        i % 7 === 0 ? v * 3 : v,
      );
      const predictor = compileEnsemble(model);
      assert.equal(
        Array.from(predictor.scores(probe)),
        Array.from(predictScores(model, probe)),
        `${name} scores`,
      );
      assert.equal(
        Array.from(predictor.outputs(probe)),
        Array.from(predictOutputs(model, probe)),
        `${name} outputs`,
      );
    }
  }
});

test.run();
