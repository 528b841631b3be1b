// Runs a tree ensemble over featurized rows and pairs the output with the truth, in the shape metrics take.
import type { Predictions } from "./metrics.js";
import type { TrainingSet } from "./models/model-type.js";
import { predictOutputs, type TreeEnsemble } from "./models/tree-ensemble.js";

export function predictionsFor(ensemble: TreeEnsemble, data: TrainingSet): Predictions {
  const outputs = predictOutputs(ensemble, data.x);
  if (data.task === "regression") return { task: "regression", actual: data.y, predicted: outputs };
  return {
    task: "classification",
    actual: data.y,
    probabilities: outputs,
    classes: Math.round(outputs.length / data.rows),
  };
}
