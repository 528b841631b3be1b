// From the grower's typed arrays to the exported tree format (tree-ensemble.ts).
import type { GrownTree } from "./grow-tree.js";
import type { TrainingSet } from "./model-type.js";
import { TREE_FORMAT, Tree, type TreeColumns, type TreeEnsemble } from "./tree-ensemble.js";

/**
 * `outputs` values per node in `grown`. With `place`, a one-output tree feeds output `place.index` of a
 * `place.width`-output ensemble (e.g. one class of a softmax): its values sit there, zeros elsewhere.
 * The tree takes over the grown tree's arrays (no copy): growers allocate them per tree.
 */
export function toTree(grown: GrownTree, outputs: number, place?: { width: number; index: number }): Tree {
  return new Tree({
    ...treeColumns(grown, outputs, place),
    threshold: Float32Array.from(grown.threshold),
  });
}

/** toTree's columns but the thresholds (which `grown` holds as float64). */
export function treeColumns(
  grown: Omit<GrownTree, "threshold" | "gain">,
  outputs: number,
  place?: { width: number; index: number },
): Omit<TreeColumns, "threshold"> {
  const size = grown.feature.length;
  let value = grown.value;
  if (place !== undefined) {
    value = new Float64Array(size * place.width);
    for (let i = 0; i < size; i++)
      for (let d = 0; d < outputs; d++)
        value[i * place.width + place.index + d] = grown.value[i * outputs + d] as number;
  }
  return {
    feature: grown.feature,
    left: grown.left,
    right: grown.right,
    value,
    samples: grown.samples,
    // Only histogram trees learn where missing values go; kept only when some go left.
    ...(grown.missingLeft?.includes(1) ? { missingLeft: grown.missingLeft } : {}),
  };
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
