// The Wasserstein-1 (earth mover's) distance between the reference and live distributions of a numeric feature, in
// units of the training standard deviation (Evidently's `wasserstein_distance_norm`). On binned data it is
// ∫ |F_ref − F_live| dx over the span of the bin edges, by the trapezoid rule on the CDF gaps at the edges: mass that
// moves beyond the outermost edges is not counted, which only makes the distance smaller.
import { type ReferenceHistogram, total } from "./histogram.js";

export function wassersteinDistance(reference: ReferenceHistogram, live: ArrayLike<number>): number {
  const edges = reference.edges ?? [];
  const liveRows = total(live);
  if (liveRows === 0 || edges.length < 2) return 0;
  const gaps: number[] = [];
  let referenceCdf = 0;
  let liveCdf = 0;
  for (let edge = 0; edge < edges.length; edge++) {
    referenceCdf += reference.proportions[edge] ?? 0;
    liveCdf += ((live[edge] as number | undefined) ?? 0) / liveRows;
    gaps.push(Math.abs(referenceCdf - liveCdf));
  }
  let distance = 0;
  for (let k = 0; k + 1 < edges.length; k++)
    distance +=
      (((gaps[k] as number) + (gaps[k + 1] as number)) / 2) *
      ((edges[k + 1] as number) - (edges[k] as number));
  const span = (edges[edges.length - 1] as number) - (edges[0] as number);
  const unit = reference.std !== undefined && reference.std > 0 ? reference.std : span > 0 ? span : 1;
  return distance / unit;
}
