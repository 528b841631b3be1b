// Binning the training rows once their cut points are known (bin-mapper.ts has the bin rule): value x of
// feature f goes to the number of f's cut points below x, or MISSING_BIN when x is NaN.
import { FLOAT32_INFINITY_BITS } from "../../sort-floats.js";
import { MAX_BINS, MISSING_BIN } from "./bin-limits.js";
import type { MatrixLayout } from "./matrix-layout.js";

/**
 * Features of row-major x binned together, a block of rows at a time, rather than each feature over all the rows: 1,000,000 ×
 * 10 rows bin in 65 ms instead of 110 (200,000 rows: the same). More features at once do no better, and their
 * subtables, ≈ 130 KB each on uniform data, then crowd the cache: 8 took 13 ms at 200,000 rows instead of 10.
 */
const FEATURE_GROUP = 2;
const ROW_BLOCK = 4096;

/** Bins the rows [from, to) of x into `bins` (row-major) and `columns` (column-major). */
export function binRows(
  x: Float32Array,
  layout: MatrixLayout,
  features: number,
  thresholds: Float32Array[],
  bins: Uint8Array,
  columns: Uint8Array,
  from: number,
  to: number,
): void {
  const rows = columns.length / features;
  const words = new Int32Array(x.buffer, x.byteOffset, x.length);
  const { rowStride, featureStride } = layout;
  // Column-major, a feature's values are one run of memory: blocks would only add calls.
  const [group, rowBlock] = rowStride === 1 ? [1, to - from] : [FEATURE_GROUP, ROW_BLOCK];
  const lookups = Array.from({ length: Math.min(features, group) }, () => new PrefixLookup());
  const nearCut = new Int32Array(Math.min(rowBlock, to - from));
  for (let first = 0; first < features; first += group) {
    const last = Math.min(features, first + group);
    for (let f = first; f < last; f++)
      (lookups[f - first] as PrefixLookup).prepare(thresholds[f] as Float32Array);
    for (let start = from; start < to; start += rowBlock) {
      const end = Math.min(to, start + rowBlock);
      for (let f = first; f < last; f++) {
        const { table, subtables } = lookups[f - first] as PrefixLookup;
        const column = f * rows;
        const near = binFeatureRows(
          words,
          rowStride,
          f * featureStride,
          features,
          f,
          table,
          subtables,
          bins,
          columns,
          column,
          start,
          end,
          nearCut,
        );
        const cuts = thresholds[f] as Float32Array;
        for (let i = 0; i < near; i++) {
          const row = nearCut[i] as number;
          const bin = binOf(cuts, x[row * rowStride + f * featureStride] as number);
          bins[row * features + f] = bin;
          columns[column + row] = bin;
        }
      }
    }
  }
}

/**
 * binRows' loop for one feature (a function of its own so V8 optimises it once for every feature and call),
 * without a branch: the rows whose values lie near a cut (a few in a thousand) are left to the caller, listed
 * in nearCut[0 … the count returned).
 */
function binFeatureRows(
  words: Int32Array,
  rowStride: number,
  offset: number,
  features: number,
  f: number,
  table: Uint16Array,
  subtables: Uint16Array,
  bins: Uint8Array,
  columns: Uint8Array,
  column: number,
  from: number,
  to: number,
  nearCut: Int32Array,
): number {
  let near = 0;
  for (
    let row = from, read = offset + from * rowStride, at = from * features + f;
    row < to;
    row++, read += rowStride, at += features
  ) {
    const word = words[read] as number;
    // −1 for NaN, else 0: MISSING_BIN | any value bin is MISSING_BIN (a NaN near a cut is left to binOf).
    const missing = (FLOAT32_INFINITY_BITS - (word & 0x7fffffff)) >> 31;
    const key = orderedKey(word);
    const entry = table[(key >> 16) + 32768] as number;
    // A prefix without cuts inside reads subtable 0, all zeros.
    const bin =
      ((entry & 0xff) + (subtables[(entry & 0xff00) | ((key >> 8) & 0xff)] as number)) |
      (missing & MISSING_BIN);
    nearCut[near] = row;
    near += bin >>> NEAR_CUT_BIT;
    bins[at] = bin;
    columns[column + row] = bin;
  }
  return near;
}

/**
 * Float32 bits as a signed key whose order is the floats' numeric order, but for −0 (key −1) before +0 (key
 * 0): negatives' magnitude bits flipped.
 */
const orderedKey = (word: number) => word ^ ((word >> 31) & 0x7fffffff);

/** A subtable entry with this bit set: a cut lies among its floats. */
const NEAR_CUT_BIT = 15;
const NEAR_CUT = 1 << NEAR_CUT_BIT;

/**
 * A feature's bins by the ordered key of the value. A value's bin is the number of cuts below it: the same
 * for every float32 of a 16-bit key prefix without a cut inside, `table`'s low byte; a prefix with cuts
 * inside also has a subtable (`table`'s high byte) by the key's next 8 bits whose entries add the cuts below
 * their 256 floats, but for the few with a cut among them (NEAR_CUT: the value is compared with the cuts). So
 * a bin costs two table reads without a branch instead of a binary search of eight unpredictable branches
 * (the old one-level table's 2 compares were half the time mispredicted on uniform data). NaN keys read
 * whatever entry.
 */
export class PrefixLookup {
  readonly table = new Uint16Array(65536);
  /** 256 entries per subtable: subtable 0 (all zeros) for prefixes without a cut inside, one per other. */
  readonly subtables = new Uint16Array(MAX_BINS * 256);
  private readonly keys = new Int32Array(MAX_BINS);

  prepare(cuts: Float32Array): void {
    const n = cuts.length;
    const bits = new Int32Array(cuts.buffer, cuts.byteOffset, n);
    // A cut of −0 compares as +0 does (−0 < x exactly when +0 < x); with that, cut < value exactly when
    // key(cut) < key(value).
    for (let i = 0; i < n; i++) this.keys[i] = cuts[i] === 0 ? 0 : orderedKey(bits[i] as number);
    fillBelow(this.table, this.keys, 0, n, 16, 32768, 0);
    let subtable = 0;
    for (let i = 0; i < n; ) {
      const prefix = ((this.keys[i] as number) >> 16) + 32768;
      let end = i + 1;
      while (end < n && ((this.keys[end] as number) >> 16) + 32768 === prefix) end++;
      // Cuts strictly inside the prefix (a cut at its largest float is below none of its floats) split it.
      if (((this.keys[end - 1] as number) & 0xffff) !== 0xffff || end - 1 > i) {
        const offset = ++subtable << 8;
        fillBelow(this.subtables, this.keys, i, end, 8, 0, offset);
        for (let c = i; c < end; c++) {
          const key = this.keys[c] as number;
          if ((key & 0xff) !== 0xff) {
            const at = offset + ((key >> 8) & 0xff);
            const added = this.subtables[at] as number;
            if (added < NEAR_CUT) this.subtables[at] = NEAR_CUT + added;
          }
        }
        this.table[prefix] = i | offset;
      }
      i = end;
    }
  }
}

/**
 * Fills table[offset …] with, for each digit d, the number of keys[from … to) (ascending) whose digit is
 * below d: a key's digit is ((key >> shift) + bias) & (size − 1), size 65,536 for shift 16, else 256.
 */
function fillBelow(
  table: Uint16Array,
  keys: Int32Array,
  from: number,
  to: number,
  shift: number,
  bias: number,
  offset: number,
): void {
  const size = shift === 16 ? 65536 : 256;
  let digit = 0;
  for (let i = from; i < to; i++) {
    const end = ((((keys[i] as number) >> shift) + bias) & (size - 1)) + 1;
    if (end > digit) {
      table.fill(i - from, offset + digit, offset + end);
      digit = end;
    }
  }
  table.fill(to - from, offset + digit, offset + size);
}

/** The bin of `value` given a feature's cut points: the first b with value <= cuts[b]. */
export function binOf(cuts: Float32Array, value: number): number {
  if (Number.isNaN(value)) return MISSING_BIN;
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (cuts[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}
