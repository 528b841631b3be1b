// Impurity-decrease feature importance, normalised to sum to 1.
import { leftChild, type Tree, type TreeEnsemble } from "./tree-ensemble.js";

/** Scales `gains` to sum to 1; all zeros (no split anywhere) stay zeros. */
export function normalise(gains: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < gains.length; i++) total += gains[i] as number;
  return Array.from(gains as ArrayLike<number>, (gain) => (total > 0 ? gain / total : 0));
}

/**
 * Like scikit-learn's forests: each tree's gains normalised, averaged over trees, normalised again (every tree
 * weighs the same whatever its size).
 */
export function averageOfNormalised(gainsPerTree: readonly ArrayLike<number>[], features: number): number[] {
  const sum = new Float64Array(features);
  for (const gains of gainsPerTree) {
    const share = normalise(gains);
    for (let f = 0; f < features; f++) sum[f] = (sum[f] as number) + (share[f] as number);
  }
  return normalise(sum);
}

/**
 * The ensemble's own importance if its learner computed one, else one derived from the trees: each split's
 * decrease in impurity, from the children's `samples` (n) and `value` (v):
 *     n_L · n_R / (n_L + n_R) · Σ_k (v_L[k] − v_R[k])²
 * which is exactly the decrease in the sum of squared errors when values are means (regression), and in
 * weighted Gini impurity when values are class probabilities. Trees without `samples` count rows as equal.
 */
export function impurityImportance(ensemble: TreeEnsemble): number[] {
  if (ensemble.featureImportance !== undefined) return ensemble.featureImportance;
  const features = ensemble.featureNames.length;
  return averageOfNormalised(
    ensemble.trees.map((tree) => splitGains(tree, features)),
    features,
  );
}

function splitGains(tree: Tree, features: number): Float64Array {
  const gains = new Float64Array(features);
  // Read once: a forest's trees make their right children and samples anew on every read (Tree.right).
  const right = tree.right;
  const samples = tree.samples ?? subtreeLeafCounts(tree, right);
  const outputs = tree.outputs;
  for (let node = 0; node < tree.feature.length; node++) {
    const f = tree.feature[node] as number;
    if (f < 0) continue;
    const l = leftChild(tree, node);
    const r = right[node] as number;
    const nl = samples[l] as number;
    const nr = samples[r] as number;
    if (nl + nr <= 0) continue;
    let squares = 0;
    for (let k = 0; k < outputs; k++)
      squares += ((tree.value[l * outputs + k] as number) - (tree.value[r * outputs + k] as number)) ** 2;
    gains[f] = (gains[f] as number) + ((nl * nr) / (nl + nr)) * squares;
  }
  return gains;
}

function subtreeLeafCounts(tree: Tree, right: Int32Array): Float64Array {
  const counts = new Float64Array(tree.feature.length);
  const visit = (node: number): number => {
    const f = tree.feature[node] as number;
    counts[node] = f < 0 ? 1 : visit(leftChild(tree, node)) + visit(right[node] as number);
    return counts[node] as number;
  };
  visit(0);
  return counts;
}
