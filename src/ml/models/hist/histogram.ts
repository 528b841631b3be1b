// Per-node histograms: for each feature and bin, the sums over the node's rows of a few per-row statistics
// ("channels": the gradient and hessian for boosting; the weighted targets, weight and row count for forests).
// A node's histogram is a Float64Array of slots × HISTOGRAM_BINS × channels, slot = position of the feature
// among the tree's active features. The hot loop of the histogram learners.

import { MISSING_BIN } from "./bin-mapper.js";

/** Bins per feature in a histogram: the value bins and MISSING_BIN. */
export const HISTOGRAM_BINS = MISSING_BIN + 1;

export function histogramLength(slots: number, channels: number): number {
  return slots * HISTOGRAM_BINS * channels;
}

/**
 * Adds the rows index[from … to) into `out` for the slots [slotFrom, slotTo). values[row·channels + c] holds
 * row's channel values. Slots not in the range are left untouched, so threads can fill disjoint slot blocks of one
 * shared histogram.
 */
export function buildHistogram(
  bins: Uint8Array,
  rows: number,
  slotFeatures: Int32Array,
  slotFrom: number,
  slotTo: number,
  index: Uint32Array,
  from: number,
  to: number,
  values: Float64Array,
  channels: number,
  out: Float64Array,
): void {
  const stride = HISTOGRAM_BINS * channels;
  for (let slot = slotFrom; slot < slotTo; slot++) {
    const base = slot * stride;
    out.fill(0, base, base + stride);
    const column = (slotFeatures[slot] as number) * rows;
    if (channels === 2) {
      // Boosting's case, unrolled: gradient and hessian.
      for (let p = from; p < to; p++) {
        const row = index[p] as number;
        const at = base + ((bins[column + row] as number) << 1);
        const k = row << 1;
        out[at] = (out[at] as number) + (values[k] as number);
        out[at + 1] = (out[at + 1] as number) + (values[k + 1] as number);
      }
    } else {
      for (let p = from; p < to; p++) {
        const row = index[p] as number;
        const at = base + (bins[column + row] as number) * channels;
        const k = row * channels;
        for (let c = 0; c < channels; c++) out[at + c] = (out[at + c] as number) + (values[k + c] as number);
      }
    }
  }
}

/** larger = parent − smaller, for the slots [slotFrom, slotTo): the sibling histogram without a pass over rows. */
export function subtractHistogram(
  parent: Float64Array,
  smaller: Float64Array,
  larger: Float64Array,
  slotFrom: number,
  slotTo: number,
  channels: number,
): void {
  const stride = HISTOGRAM_BINS * channels;
  for (let i = slotFrom * stride, end = slotTo * stride; i < end; i++)
    larger[i] = (parent[i] as number) - (smaller[i] as number);
}
