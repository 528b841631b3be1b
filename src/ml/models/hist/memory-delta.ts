// What a worker thread is sent when a fit's shared memory changes (a new histogram batch, a larger plan): only
// the arrays it does not hold yet. A structured clone makes every array a new object on the worker's side, and
// the worker's kernels (histogram-kernel.ts, partition-kernel.ts) are generated per array object: resending
// unchanged arrays made a worker generate and optimise its kernels again at every change, ≈ 7 times a fit.

/** Stands for "the array you already hold at this place". */
const KEPT = "=kept";

/** `current` with every typed array that `previous` holds at the same place replaced by KEPT. */
export function memoryDelta(current: unknown, previous: unknown): unknown {
  if (ArrayBuffer.isView(current)) return current === previous ? KEPT : current;
  if (Array.isArray(current))
    return current.map((item, i) => memoryDelta(item, Array.isArray(previous) ? previous[i] : undefined));
  if (typeof current === "object" && current !== null) {
    const held =
      typeof previous === "object" && previous !== null ? (previous as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(current).map(([key, value]) => [key, memoryDelta(value, held[key])]),
    );
  }
  return current;
}

/** The memory a delta stands for, given what the receiving thread held (the memory of the last delta it got). */
export function applyMemoryDelta(delta: unknown, held: unknown): unknown {
  if (delta === KEPT) return held;
  if (ArrayBuffer.isView(delta)) return delta;
  if (Array.isArray(delta))
    return delta.map((item, i) => applyMemoryDelta(item, Array.isArray(held) ? held[i] : undefined));
  if (typeof delta === "object" && delta !== null) {
    const previous = typeof held === "object" && held !== null ? (held as Record<string, unknown>) : {};
    return Object.fromEntries(
      Object.entries(delta).map(([key, value]) => [key, applyMemoryDelta(value, previous[key])]),
    );
  }
  return delta;
}

/** Where each array of `memory` is (objects and arrays copied, typed arrays the same): what a delta is taken against. */
export function memoryLayout(memory: unknown): unknown {
  return applyMemoryDelta(memory, undefined);
}
