// Two-sample Kolmogorov–Smirnov test on binned data. D is the largest gap between the two empirical CDFs at the
// bin boundaries: a lower bound of the unbinned D, so the test can only be conservative. The p-value is the
// asymptotic one with Stephens' small-sample correction (Numerical Recipes §14.3.3), as scipy's `ks_2samp` uses
// for large samples.
import { type ReferenceHistogram, total } from "./histogram.js";
import { kolmogorovSurvival } from "./special-functions.js";

export interface TestStatistic {
  statistic: number;
  pValue: number;
}

export function kolmogorovSmirnov(reference: ReferenceHistogram, live: ArrayLike<number>): TestStatistic {
  const liveRows = total(live);
  if (liveRows === 0 || reference.rows === 0) return { statistic: 0, pValue: 1 };
  let referenceCdf = 0;
  let liveCdf = 0;
  let statistic = 0;
  for (let bin = 0; bin < live.length; bin++) {
    referenceCdf += reference.proportions[bin] ?? 0;
    liveCdf += (live[bin] as number) / liveRows;
    statistic = Math.max(statistic, Math.abs(referenceCdf - liveCdf));
  }
  const effective = Math.sqrt((reference.rows * liveRows) / (reference.rows + liveRows));
  return { statistic, pValue: kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * statistic) };
}
