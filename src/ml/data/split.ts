// Seeded train/test split. Stratified: each class keeps its share in both parts (largest-remainder allocation
// of the test rows), so proportions match to within one row per class. Indices come back sorted, so the split
// files keep the source order.
import { createRandom, shuffle } from "../random.js";

export interface Split {
  train: number[];
  test: number[];
}

/** `strata[i]` is row i's class (any value usable as a Map key); omit it for a plain shuffled split. */
export function splitRows(rows: number, testSize: number, seed: number, strata?: ArrayLike<unknown>): Split {
  const testCount = Math.min(rows - 1, Math.max(1, Math.ceil(rows * testSize)));
  const groups = new Map<unknown, number[]>();
  for (let i = 0; i < rows; i++) {
    const key = strata ? strata[i] : 0;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([, members]) => members);
  const quotas = allocate(
    ordered.map((members) => members.length),
    testCount,
  );
  // Every row is in one group: marking the test rows and reading the marks in row order gives both parts
  // ascending, without sorting them.
  const inTest = new Uint8Array(rows);
  ordered.forEach((members, g) => {
    const shuffled = shuffle([...members], createRandom(seed, g));
    const quota = quotas[g] as number;
    for (let k = 0; k < quota; k++) inTest[shuffled[k] as number] = 1;
  });
  const test: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < rows; i++) (inTest[i] === 1 ? test : train).push(i);
  return { train, test };
}

/**
 * `count` of the `rows` row indices (all of them when there are no more), drawn with `seed` (each stratum keeping its
 * share when `strata` is given), ascending.
 */
export function sampleIndices(
  rows: number,
  count: number,
  seed: number,
  strata?: ArrayLike<unknown>,
): number[] {
  if (rows <= count) return Array.from({ length: rows }, (_, i) => i);
  // splitRows puts ceil(rows × share) rows in test: the half row keeps floating-point rounding from adding one.
  return splitRows(rows, (count - 0.5) / rows, seed, strata).test;
}

/** Splits `total` across groups in proportion to their sizes (largest remainder; ties go to the earlier group). */
function allocate(sizes: number[], total: number): number[] {
  const rows = sizes.reduce((sum, size) => sum + size, 0);
  const exact = sizes.map((size) => (size * total) / rows);
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((sum, quota) => sum + quota, 0);
  const byRemainder = exact
    .map((value, g) => ({ g, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.g - b.g);
  for (const { g } of byRemainder) {
    if (left === 0) break;
    if ((quotas[g] as number) < (sizes[g] as number)) {
      quotas[g] = (quotas[g] as number) + 1;
      left--;
    }
  }
  return quotas;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
