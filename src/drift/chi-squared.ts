// Pearson's chi-squared test of homogeneity between the reference and the live counts (a 2 × bins table).
// Two-sample on purpose: comparing live counts with the training proportions as if they were exact would alarm on
// the training sample's own noise whenever the live window is larger than the training set.

import { type ReferenceHistogram, total } from "./histogram.js";
import type { TestStatistic } from "./kolmogorov-smirnov.js";
import { chiSquaredSurvival } from "./special-functions.js";

export function chiSquared(reference: ReferenceHistogram, live: ArrayLike<number>): TestStatistic {
  const liveRows = total(live);
  const referenceRows = reference.rows;
  if (liveRows === 0 || referenceRows === 0) return { statistic: 0, pValue: 1 };
  const rows = referenceRows + liveRows;
  let statistic = 0;
  let bins = 0;
  const width = Math.max(live.length, reference.proportions.length);
  for (let bin = 0; bin < width; bin++) {
    const referenceCount = (reference.proportions[bin] ?? 0) * referenceRows;
    const liveCount = (live[bin] as number | undefined) ?? 0;
    const column = referenceCount + liveCount;
    if (column === 0) continue;
    bins++;
    const expectedReference = (referenceRows * column) / rows;
    const expectedLive = (liveRows * column) / rows;
    statistic +=
      (referenceCount - expectedReference) ** 2 / expectedReference +
      (liveCount - expectedLive) ** 2 / expectedLive;
  }
  return { statistic, pValue: chiSquaredSurvival(statistic, bins - 1) };
}
