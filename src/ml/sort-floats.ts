// Ascending sorts of NaN-free float arrays in place, in exactly TypedArray.prototype.sort's order (−0 before +0),
// by radix on the IEEE-754 bits: three counting passes of 11 bits (float32) or four of 16 bits (float64) instead of a
// comparison sort; 5–10× faster on the hundreds of thousands of values a profile or a fit sorts per column.

/** Below this many values the built-in sort is as fast. */
const RADIX_FROM = 4096;
const DIGIT = 16;
const DIGITS = 1 << DIGIT;
const SIGN = 0x80000000;

/** Sorts `values` (no NaN) ascending in place and returns it. */
export function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  if (n < RADIX_FROM) return values.sort();
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const keys = new Uint32Array(n);
  const counts = new Uint32Array(KEY_DIGIT_COUNTS);
  for (let i = 0; i < n; i++) {
    const key = float32Key(bits[i] as number);
    keys[i] = key;
    countKeyDigits(counts, key);
  }
  const sorted = sortKeys(keys, new Uint32Array(n), counts);
  for (let i = 0; i < n; i++) bits[i] = keyBits(sorted[i] as number);
  return values;
}

/**
 * Float32 bits as an unsigned key whose order is the floats' numeric order (−0 just before +0): negatives
 * flipped whole, positives' sign set.
 */
export const float32Key = (bits: number) => (bits ^ ((bits >> 31) | SIGN)) >>> 0;
/** The float32 bits of +∞ (those of a NaN without their sign exceed them). */
export const FLOAT32_INFINITY_BITS = 0x7f800000;
/** The float32 bits of a key. */
export const keyBits = (key: number) => (key & SIGN ? (key ^ SIGN) >>> 0 : ~key >>> 0);

// Three passes of 11 bits: their 2,048 counters stay in cache, where 16-bit digits' 65,536 do not.
const DIGITS_11 = 1 << 11;
const MASK_11 = DIGITS_11 - 1;
/** The counts sortKeys reads: each of the 3 digits' 2,048 counters. */
export const KEY_DIGIT_COUNTS = 3 * DIGITS_11;

/** Adds the 3 digits of `key` to `counts` (KEY_DIGIT_COUNTS of them). */
export function countKeyDigits(counts: Uint32Array, key: number): void {
  counts[key & MASK_11] = (counts[key & MASK_11] as number) + 1;
  const middle = DIGITS_11 + ((key >>> 11) & MASK_11);
  counts[middle] = (counts[middle] as number) + 1;
  const top = 2 * DIGITS_11 + (key >>> 22);
  counts[top] = (counts[top] as number) + 1;
}

/**
 * Sorts `keys` ascending by radix, `spare` (as long) as the other buffer, `counts` as countKeyDigits left
 * them for every key (overwritten); returns whichever of keys and spare holds the sorted keys.
 */
export function sortKeys(keys: Uint32Array, spare: Uint32Array, counts: Uint32Array): Uint32Array {
  const n = keys.length;
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * DIGITS_11;
    if (!startsOf(counts, base, n)) continue;
    scatterByDigit(keys, spare, counts, base, 11 * pass);
    [keys, spare] = [spare, keys];
  }
  return keys;
}

/** One radix pass: keys into `to` by their digit at `shift`, counts[base + digit] being where each goes next. */
function scatterByDigit(
  keys: Uint32Array,
  to: Uint32Array,
  counts: Uint32Array,
  base: number,
  shift: number,
): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as number;
    const digit = base + ((key >>> shift) & MASK_11);
    to[counts[digit] as number] = key;
    counts[digit] = (counts[digit] as number) + 1;
  }
}

/**
 * Turns the counts of one pass's digits (at counts[base …]) into where each digit starts in the sorted order;
 * false when every key has the same digit there (the pass would not move anything).
 */
function startsOf(counts: Uint32Array, base: number, n: number): boolean {
  let start = 0;
  for (let d = base; d < base + DIGITS_11; d++) {
    const count = counts[d] as number;
    if (count === n) return false;
    counts[d] = start;
    start += count;
  }
  return true;
}

/** Sorts `values` (no NaN) ascending in place and returns it. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_FROM) return values.sort();
  // Little-endian words: the low word of value i at 2i, the high word (sign, exponent) at 2i + 1.
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let low = new Uint32Array(n);
  let high = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i] as number;
    const hi = words[2 * i + 1] as number;
    const negative = (hi & SIGN) !== 0;
    low[i] = negative ? ~lo >>> 0 : lo;
    high[i] = negative ? ~hi >>> 0 : (hi | SIGN) >>> 0;
  }
  let spareLow = new Uint32Array(n);
  let spareHigh = new Uint32Array(n);
  const counts = new Uint32Array(DIGITS);
  for (let pass = 0; pass < 4; pass++) {
    const shift = (pass % 2) * DIGIT;
    const digits = pass < 2 ? low : high;
    if (!countDigits(counts, digits, shift)) continue;
    for (let i = 0; i < n; i++) {
      const digit = ((digits[i] as number) >>> shift) & (DIGITS - 1);
      const to = counts[digit] as number;
      counts[digit] = to + 1;
      spareLow[to] = low[i] as number;
      spareHigh[to] = high[i] as number;
    }
    [low, spareLow] = [spareLow, low];
    [high, spareHigh] = [spareHigh, high];
  }
  for (let i = 0; i < n; i++) {
    const hi = high[i] as number;
    const negative = (hi & SIGN) === 0;
    words[2 * i] = negative ? ~(low[i] as number) >>> 0 : (low[i] as number);
    words[2 * i + 1] = negative ? ~hi >>> 0 : (hi ^ SIGN) >>> 0;
  }
  return values;
}

/**
 * Fills `counts` with where each 16-bit digit at `shift` starts in the sorted order; false when every key has
 * the same digit there (the pass would not move anything).
 */
function countDigits(counts: Uint32Array, keys: Uint32Array, shift: number): boolean {
  counts.fill(0);
  for (let i = 0; i < keys.length; i++) {
    const digit = ((keys[i] as number) >>> shift) & (DIGITS - 1);
    counts[digit] = (counts[digit] as number) + 1;
  }
  let start = 0;
  for (let d = 0; d < DIGITS; d++) {
    const count = counts[d] as number;
    if (count === keys.length) return false;
    counts[d] = start;
    start += count;
  }
  return true;
}
