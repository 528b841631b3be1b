// A faster predictor for many rows: each tree walked over all rows in turn (its nodes stay in cache), on the
// trees' own typed arrays (no copy: a forest on a million rows holds ~25 million nodes). Same arithmetic, in the
// same order per row, as predictScores/predictOutputs in tree-ensemble.ts (the reference), so results are
// identical.
import { applyPostTransform, FAR_RIGHT, type TreeEnsemble } from "./tree-ensemble.js";

export interface BatchPredictor {
  /** Raw scores, rows × outputs (predictScores). */
  scores(rows: Float32Array): Float64Array;
  /** Predictions (predictOutputs): regression values, or rows × classes probabilities. */
  outputs(rows: Float32Array): Float64Array;
}

const NO_MISSING_LEFT = new Uint8Array(0);

/** A compact tree's right child (rightChild, tree-ensemble.ts) from the node's offset. */
const farRight = (node: number, offset: number, farRights: Int32Array) =>
  offset < FAR_RIGHT ? node + offset : (farRights[offset - FAR_RIGHT] as number);

export function compileEnsemble(ensemble: TreeEnsemble): BatchPredictor {
  const k = ensemble.outputs;
  const width = ensemble.featureNames.length;
  const scale = ensemble.aggregate === "average" ? 1 / ensemble.trees.length : 1;
  const base = Float64Array.from({ length: k }, (_, j) => ensemble.base[j] ?? 0);

  const scores = (rows: Float32Array): Float64Array => {
    const n = Math.floor(rows.length / width);
    const out = new Float64Array(n * k);
    for (const tree of ensemble.trees) {
      const { feature, left, value, splitBins, cuts, rightOffsets, farRights } = tree;
      // A compact tree's thresholds come from its bins and its right children from their offsets: reading its
      // Tree.threshold or Tree.right would make the whole column.
      const threshold = splitBins !== undefined && cuts !== undefined ? undefined : tree.threshold;
      const right = rightOffsets !== undefined && farRights !== undefined ? undefined : tree.right;
      const missingLeft = tree.missingLeft ?? NO_MISSING_LEFT;
      for (let i = 0; i < n; i++) {
        const rowStart = i * width;
        let node = 0;
        for (let f = feature[0] as number; f >= 0; f = feature[node] as number) {
          const x = rows[rowStart + f] as number;
          const t =
            threshold === undefined
              ? ((cuts as Float32Array[])[f] as Float32Array)[(splitBins as Uint8Array)[node] as number]
              : threshold[node];
          node =
            x <= (t as number) || (missingLeft[node] === 1 && Number.isNaN(x))
              ? left === undefined
                ? node + 1
                : (left[node] as number)
              : right !== undefined
                ? (right[node] as number)
                : farRight(node, (rightOffsets as Uint16Array)[node] as number, farRights as Int32Array);
        }
        const outStart = i * k;
        for (let j = 0; j < k; j++)
          out[outStart + j] = (out[outStart + j] as number) + (value[node * k + j] as number);
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) out[i * k + j] = (out[i * k + j] as number) * scale + (base[j] as number);
    return out;
  };
  return { scores, outputs: (rows) => applyPostTransform(ensemble, scores(rows)) };
}
