// train: fit model.type (under auto: the type tune chose) on the whole featurized training split with the tuned params → data/model/trees.json.
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { readJson, writeJsonAtomic } from "../src/ml/io.js";
import { trainedModelType } from "../src/ml/model-choice.js";
import { parseModelParams } from "../src/ml/models/model-params.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { loadFeaturizedSplit } from "../src/ml/stage-inputs.js";
import { TuneSummarySchema } from "../src/ml/tune/summary.js";
import { TREE_ITEMS } from "../src/ml/write-tree-json.js";

export async function trainStage(): Promise<string> {
  const params = unwrap(MlParams.read());
  const task = unwrap(params.task());
  const model = unwrap(params.model());
  const tuned = unwrap(readJson(PATHS.tune, TuneSummarySchema));
  const modelType = unwrap(trainedModelType(params, model, task, tuned));
  const { data } = unwrap(loadFeaturizedSplit("train", task));
  const fitParams = parseModelParams(modelType, tuned.params);
  if (!fitParams.ok)
    throw new MlFailure({ kind: "artifact", file: PATHS.tune, message: fitParams.error.message });
  const ensemble = await modelType.fit(data, fitParams.value, { seed: model.seed, threads: model.threads });
  // Written in the JSON shape (Tree.toJSON), which the later stages read back with TreeEnsembleSchema; each tree
  // straight from its typed arrays (write-tree-json.ts).
  writeJsonAtomic(PATHS.model, ensemble, TREE_ITEMS);
  const nodes = ensemble.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  return `${modelType.name} on ${data.rows} rows × ${data.features.length} features: ${ensemble.trees.length} trees, ${nodes} nodes`;
}

await runStageIfMain(import.meta.url, "train", trainStage);
