// The JS model: `applyFeaturizer` then `predictOutputs`, the reference every ONNX export is checked against, with the
// classification label made explicit (the first class of highest float32 probability, as the graph's ArgMax picks it:
// numbers at the model boundary are float32).
import { applyFeaturizer, type Featurizer } from "../features/featurizer-spec.js";
import { predictOutputs, type TreeEnsemble } from "../models/tree-ensemble.js";

export interface ReferenceOutputs {
  /** Regression: one value per row. */
  prediction?: Float64Array;
  /** Classification: rows × classes, row-major. */
  probabilities?: Float64Array;
  labels?: (string | number)[];
}

export function classCount(ensemble: TreeEnsemble): number {
  return ensemble.postTransform === "logistic" ? 2 : ensemble.outputs;
}

export function labelsOf(ensemble: TreeEnsemble, probabilities: ArrayLike<number>): (string | number)[] {
  const k = classCount(ensemble);
  const classes = ensemble.classes ?? [];
  const labels: (string | number)[] = [];
  for (let start = 0; start < probabilities.length; start += k) {
    let best = 0;
    let bestValue = Math.fround(probabilities[start] as number);
    for (let j = 1; j < k; j++) {
      const value = Math.fround(probabilities[start + j] as number);
      if (value > bestValue) {
        best = j;
        bestValue = value;
      }
    }
    labels.push(classes[best] as string | number);
  }
  return labels;
}

export function referencePredict(
  featurizer: Featurizer,
  ensemble: TreeEnsemble,
  raw: Float32Array,
): ReferenceOutputs {
  const outputs = predictOutputs(ensemble, applyFeaturizer(featurizer, raw));
  if (ensemble.task === "regression") return { prediction: outputs };
  return { probabilities: outputs, labels: labelsOf(ensemble, outputs) };
}
