// How a categorical value travels in the model's float32 input tensor: the value itself when the categories are
// numbers, otherwise its index in `categories`; -1 for a string never seen in training (an unseen number travels as
// itself: the trees treat it like any number between their thresholds), NaN when missing. Training, packaging and
// the server all encode with this module, so a client's request and a training row give the same code.

export type Category = string | number;

export interface CategoryCodes {
  /** The categories are all numbers, so each travels as itself. */
  readonly numeric: boolean;
  readonly categories: readonly Category[];
  /** The code of a category seen in training, or undefined for one never seen. */
  seen(value: Category): number | undefined;
}

const NUMERIC_TEXT = /\S/;

/** Compiled once per feature: the lookups the server runs per request value. */
export function categoryCodes(categories: readonly Category[]): CategoryCodes {
  if (categories.every((category) => typeof category === "number")) {
    const known = new Set(categories as readonly number[]);
    return {
      numeric: true,
      categories,
      seen(value) {
        if (typeof value === "number") return known.has(value) ? value : undefined;
        if (!NUMERIC_TEXT.test(value)) return undefined;
        const number = Number(value);
        return known.has(number) ? number : undefined;
      },
    };
  }
  const index = new Map<string, number>();
  categories.forEach((category, i) => {
    if (!index.has(String(category))) index.set(String(category), i);
  });
  return { numeric: false, categories, seen: (value) => index.get(String(value)) };
}

const compiled = new WeakMap<readonly Category[], CategoryCodes>();
const NO_CATEGORIES: readonly Category[] = [];

/** The float32 code of one categorical value (see the header). */
export function encodeCategory(
  feature: { categories?: readonly Category[] | undefined },
  value: Category | null | undefined,
): number {
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value)))
    return Number.NaN;
  const categories = feature.categories ?? NO_CATEGORIES;
  let codes = compiled.get(categories);
  if (!codes) {
    codes = categoryCodes(categories);
    compiled.set(categories, codes);
  }
  const code = codes.seen(value);
  if (code !== undefined) return code;
  return codes.numeric && typeof value === "number" ? value : -1;
}
