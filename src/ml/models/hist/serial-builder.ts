// Histograms built on the calling thread.
import type { HistogramBuilder } from "./grow-tree.js";
import { buildHistogram } from "./histogram.js";

export const serialBuilder: HistogramBuilder = {
  allocate: (length) => new Float64Array(length),
  build(space, slotFeatures, requests) {
    const { bins, rows } = space.binned;
    for (const { from, to, histogram } of requests)
      buildHistogram(
        bins,
        rows,
        slotFeatures,
        0,
        slotFeatures.length,
        space.index,
        from,
        to,
        space.values,
        space.channels,
        histogram,
      );
  },
};
