// What a worker thread is sent when a fit's shared memory changes (a new histogram batch, a larger plan): only
// the arrays it does not hold yet. A structured clone makes every array a new object on the worker's side, and
// the worker's kernels (histogram-kernel.ts, partition-kernel.ts) are generated per array object: resending
// unchanged arrays made a worker generate and optimise its kernels again at every change, ≈ 7 times a fit.

/** Stands for "the array you already hold at this place". */
const KEPT = "=kept";

/** `current` with every typed array that `previous` holds at the same place replaced by KEPT. */
export function memoryDelta(current: unknown, previous: unknown): unknown {
  return mapArrays(current, previous, (array, held) => (array === held ? KEPT : array));
}

/** The memory a delta stands for, given what the receiving thread held (the memory of the last delta it got). */
export function applyMemoryDelta(delta: unknown, held: unknown): unknown {
  return mapArrays(delta, held, (array, previous) => (array === KEPT ? previous : array));
}

/** Where each array of `memory` is (objects and arrays copied, typed arrays the same): what a delta is taken against. */
export function memoryLayout(memory: unknown): unknown {
  return applyMemoryDelta(memory, undefined);
}

/**
 * `value` with objects and arrays copied and each typed array (or KEPT) replaced by `leaf` of it and what `other`
 * has at the same place.
 */
function mapArrays(
  value: unknown,
  other: unknown,
  leaf: (array: unknown, other: unknown) => unknown,
): unknown {
  if (ArrayBuffer.isView(value) || value === KEPT) return leaf(value, other);
  if (Array.isArray(value))
    return value.map((item, i) => mapArrays(item, Array.isArray(other) ? other[i] : undefined, leaf));
  if (typeof value === "object" && value !== null) {
    const held = typeof other === "object" && other !== null ? (other as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapArrays(item, held[key], leaf)]),
    );
  }
  return value;
}
