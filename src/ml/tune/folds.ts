// K-fold cross-validation indices, shuffled with a seed; stratified for classification (each class is dealt
// round-robin across the folds, so every fold keeps the class proportions to within one row).
import { createRandom, shuffle } from "../random.js";

export interface Fold {
  train: number[];
  test: number[];
}

/** `strata[i]` is row i's class; omit it for plain shuffled folds (sizes differ by at most one). */
export function kFolds(rows: number, k: number, seed: number, strata?: ArrayLike<number>): Fold[] {
  if (k < 2 || k > rows) throw new Error(`cannot make ${k} folds from ${rows} rows`);
  const assignment = new Int32Array(rows);
  if (strata) {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < rows; i++) {
      const key = strata[i] as number;
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    }
    // Continue the round-robin across classes so small classes do not all start at fold 0.
    let next = 0;
    for (const key of [...groups.keys()].sort((a, b) => a - b)) {
      for (const row of shuffle(groups.get(key) as number[], createRandom(seed, key))) {
        assignment[row] = next;
        next = (next + 1) % k;
      }
    }
  } else {
    const order = shuffle(
      Array.from({ length: rows }, (_, i) => i),
      createRandom(seed),
    );
    // Contiguous chunks of the shuffled order; the first rows % k folds get one extra row.
    const base = Math.floor(rows / k);
    const extra = rows % k;
    let position = 0;
    for (let f = 0; f < k; f++) {
      const size = base + (f < extra ? 1 : 0);
      for (let j = 0; j < size; j++) assignment[order[position++] as number] = f;
    }
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < rows; i++) (assignment[i] === f ? test : train).push(i);
    return { train, test };
  });
}

/**
 * Repeated k-fold (scikit-learn's RepeatedKFold / RepeatedStratifiedKFold): `repeats` different k-fold partitions,
 * all folds in one list. Repeat 0 is `kFolds(rows, k, seed)` itself; repeat r reshuffles with seed + r.
 */
export function repeatedKFolds(
  rows: number,
  k: number,
  repeats: number,
  seed: number,
  strata?: ArrayLike<number>,
): Fold[] {
  if (repeats < 1) throw new Error(`cannot repeat k-fold ${repeats} times`);
  return Array.from({ length: repeats }, (_, r) => kFolds(rows, k, seed + r, strata)).flat();
}
