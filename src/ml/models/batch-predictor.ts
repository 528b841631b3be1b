// A faster predictor for many rows: each tree walked over all rows in turn (its nodes stay in cache), on the
// trees' own typed arrays (no copy: a forest on a million rows holds ~25 million nodes). Same arithmetic, in the
// same order per row, as predictScores/predictOutputs in tree-ensemble.ts (the reference), so results are
// identical.
import { applyPostTransform, type TreeEnsemble } from "./tree-ensemble.js";

export interface BatchPredictor {
  /** Raw scores, rows × outputs (predictScores). */
  scores(rows: Float32Array): Float64Array;
  /** Predictions (predictOutputs): regression values, or rows × classes probabilities. */
  outputs(rows: Float32Array): Float64Array;
}

const NO_MISSING_LEFT = new Uint8Array(0);

export function compileEnsemble(ensemble: TreeEnsemble): BatchPredictor {
  const k = ensemble.outputs;
  const width = ensemble.featureNames.length;
  const scale = ensemble.aggregate === "average" ? 1 / ensemble.trees.length : 1;
  const base = Float64Array.from({ length: k }, (_, j) => ensemble.base[j] ?? 0);

  const scores = (rows: Float32Array): Float64Array => {
    const n = Math.floor(rows.length / width);
    const out = new Float64Array(n * k);
    for (const tree of ensemble.trees) {
      const { feature, left, right, value, splitBins, cuts } = tree;
      // A compact tree's thresholds come from its bins: reading its Tree.threshold would make the whole column.
      const threshold = splitBins !== undefined && cuts !== undefined ? undefined : tree.threshold;
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
              : (right[node] as number);
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
