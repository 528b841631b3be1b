// Which tree grower a fit uses: the exact one (pre-sorted columns, every distinct value a candidate threshold)
// or the histogram one (values quantised to ≤ 255 bins). "auto" picks by the number of training rows.
import { z } from "zod";
import { MAX_BINS } from "./bin-mapper.js";

export const TreeMethodSchema = z.enum(["auto", "exact", "hist"]);
export type TreeMethod = z.infer<typeof TreeMethodSchema>;

export const MaxBinsSchema = z.number().int().min(2).max(MAX_BINS);

/**
 * From this many rows "auto" grows histogram trees. Below it the exact grower is both fast enough and as
 * accurate as it gets (measured with bench/train.ts).
 */
export const HIST_MIN_ROWS = 10_000;

export function resolveTreeMethod(method: TreeMethod, rows: number): "exact" | "hist" {
  if (method !== "auto") return method;
  return rows >= HIST_MIN_ROWS ? "hist" : "exact";
}
