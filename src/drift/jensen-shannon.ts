// The Jensen–Shannon distance (the square root of the divergence, natural logarithm: scipy's `jensenshannon`, which
// Evidently uses) between the reference proportions and the live ones. 0 for equal distributions, at most √ln 2.
import { toProportions } from "./histogram.js";

function klTerm(p: number, m: number): number {
  return p === 0 ? 0 : p * Math.log(p / m);
}

export function jensenShannonDistance(reference: readonly number[], live: ArrayLike<number>): number {
  const q = toProportions(live);
  const width = Math.max(reference.length, q.length);
  let divergence = 0;
  for (let bin = 0; bin < width; bin++) {
    const p = reference[bin] ?? 0;
    const r = q[bin] ?? 0;
    const m = (p + r) / 2;
    divergence += (klTerm(p, m) + klTerm(r, m)) / 2;
  }
  return Math.sqrt(Math.max(divergence, 0));
}
