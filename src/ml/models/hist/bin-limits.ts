// The bins a feature's values can take, shared by the cut points (bin-mapper.ts) and the binning (bin-rows.ts).

/** The bin of missing values, whatever the feature's number of value bins. */
export const MISSING_BIN = 255;
/** Value bins per feature, at most (bins 0 … 254; 255 is MISSING_BIN). */
export const MAX_BINS = 255;
