// Corrections for testing every feature at once: without one, a model with 20 features alarms on about 64 % of
// windows drawn from the training distribution at α = 0.05.
import { unreachable } from "../result.js";

export type Correction = "fdr" | "bonferroni" | "none";

/** Benjamini–Hochberg adjusted p-values (step-up, monotone), in the input order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues
    .map((_, index) => index)
    .sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjusted = new Array<number>(count);
  let running = 1;
  for (let rank = count; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    running = Math.min(running, ((pValues[index] as number) * count) / rank);
    adjusted[index] = running;
  }
  return adjusted;
}

export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  switch (correction) {
    case "fdr":
      return benjaminiHochberg(pValues);
    case "bonferroni":
      return pValues.map((p) => Math.min(1, p * pValues.length));
    case "none":
      return [...pValues];
    default:
      return unreachable(correction);
  }
}
