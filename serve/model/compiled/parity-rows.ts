// Rows to check the compiled trees against onnxruntime on, besides the golden rows: deterministic (a fixed seed),
// drawn from the manifest's schema alone: values across and beyond each feature's training range, integers where the
// feature is one, the training range's ends, seen and unseen categories, and missing values (NaN) everywhere, since
// the two must agree on every input the tensor can carry, not only on those the validator lets through.
import { encodeCategory } from "../../../src/artifact/category-code.js";
import type { ManifestFeature } from "../../../src/artifact/manifest.js";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function value(feature: ManifestFeature, next: () => number): number {
  if (next() < 0.1) return Number.NaN;
  if (feature.kind === "categorical") {
    const categories = feature.categories ?? [];
    const pick = Math.floor(next() * (categories.length + 1));
    const unseen = typeof categories[0] === "number" ? Math.max(...(categories as number[])) + 1 : "unseen";
    return encodeCategory(feature, pick < categories.length ? (categories[pick] ?? null) : unseen);
  }
  const min = feature.min ?? 0;
  const max = feature.max ?? 1;
  const roll = next();
  if (roll < 0.05) return Math.fround(min);
  if (roll < 0.1) return Math.fround(max);
  const span = max - min || 1;
  const x = min - 0.5 * span + next() * 2 * span;
  return Math.fround(feature.dtype === "integer" ? Math.round(x) : x);
}

/** `rows` rows of the model's float32 input tensor (row-major). */
export function parityRows(
  features: readonly ManifestFeature[],
  rows: number,
  seed = 20261202,
): Float32Array {
  const next = random(seed);
  const tensor = new Float32Array(rows * features.length);
  for (let r = 0; r < rows; r++)
    features.forEach((feature, j) => {
      tensor[r * features.length + j] = value(feature, next);
    });
  return tensor;
}
