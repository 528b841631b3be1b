// Per-node histograms: for each feature and bin, the sums over the node's rows of a few per-row statistics
// ("channels": the gradient and hessian for boosting; the weighted targets, weight and row count for forests).
// A node's histogram is a Float64Array of slots × HISTOGRAM_BINS × channels, slot = position of the feature
// among the tree's active features; level-work.ts fills them.
import { MISSING_BIN } from "./bin-mapper.js";

/** Bins per feature in a histogram: the value bins and MISSING_BIN. */
export const HISTOGRAM_BINS = MISSING_BIN + 1;

export function histogramLength(slots: number, channels: number): number {
  return slots * HISTOGRAM_BINS * channels;
}

/**
 * Nodes with fewer rows keep no histogram: their splits come from their rows sorted by bin (scanRows). Deep
 * trees (a forest grown to pure leaves) then hold histograms only for their top levels.
 */
export const SMALL_NODE_ROWS = 256;
