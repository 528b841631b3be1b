// From the grower's typed arrays to the exported tree format (tree-ensemble.ts).
import type { GrownTree } from "./grow-tree.js";
import type { TrainingSet } from "./model-type.js";
import { TREE_FORMAT, type Tree, type TreeEnsemble } from "./tree-ensemble.js";

/**
 * `outputs` values per node in `grown`. With `place`, a one-output tree feeds output `place.index` of a
 * `place.width`-output ensemble (e.g. one class of a softmax): its values sit there, zeros elsewhere.
 */
export function toTree(grown: GrownTree, outputs: number, place?: { width: number; index: number }): Tree {
  const size = grown.feature.length;
  const width = place?.width ?? outputs;
  const offset = place?.index ?? 0;
  const value = new Array<number[]>(size);
  for (let i = 0; i < size; i++) {
    const node = new Array<number>(width).fill(0);
    for (let d = 0; d < outputs; d++) node[offset + d] = grown.value[i * outputs + d] as number;
    value[i] = node;
  }
  return {
    feature: plainArray(grown.feature),
    threshold: plainArray(grown.threshold),
    left: plainArray(grown.left),
    right: plainArray(grown.right),
    value,
    samples: plainArray(grown.samples),
    // Only histogram trees learn where missing values go; written only when some go left, so every other
    // tree's JSON stays as it was.
    ...(grown.missingLeft?.includes(1)
      ? { missingLeft: Array.from(grown.missingLeft, (m) => (m === 1 ? 1 : 0)) }
      : {}),
  };
}

function plainArray(values: Int32Array | Float64Array): number[] {
  const array = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) array[i] = values[i] as number;
  return array;
}

/** An ensemble trained on `data`: the format tag, task, feature names and classes come from the data. */
export function ensembleFor(
  data: TrainingSet,
  model: Omit<TreeEnsemble, "format" | "task" | "featureNames" | "classes">,
): TreeEnsemble {
  const { modelType, ...rest } = model;
  return {
    format: TREE_FORMAT,
    task: data.task,
    modelType,
    featureNames: [...data.features],
    ...(data.task === "classification" ? { classes: [...(data.classes ?? [])] } : {}),
    ...rest,
  };
}
