// `npx tsx bench/shared-copy.ts [ELEMENTS]`: nanoseconds per element of copying ELEMENTS (default 50,000) Uint32
// values between typed arrays, shared (SharedArrayBuffer) and not: an indexed loop, TypedArray set, copyWithin
// and copyElements (src/ml/models/hist/shared-copy.ts, Node's Buffer.copy), side by side in one run. Why the
// histogram learners copy shared memory with copyElements.
import { copyElements } from "../src/ml/models/hist/shared-copy.js";
import { median } from "./median.js";

const elements = Number(process.argv[2] ?? 50_000);
const length = 4 * elements;
const shared = (n: number) => new Uint32Array(new SharedArrayBuffer(4 * n));
const both = shared(2 * length);
const sharedTarget = both.subarray(0, length);
const sharedSource = both.subarray(length);
const plainTarget = new Uint32Array(length);
const plainSource = new Uint32Array(length);
for (let i = 0; i < length; i++) {
  sharedSource[i] = i;
  plainSource[i] = i;
}

function loop(target: Uint32Array, at: number, source: Uint32Array, from: number, to: number): void {
  for (let i = from, w = at; i < to; i++, w++) target[w] = source[i] as number;
}

const cases: Record<string, (from: number) => void> = {
  "shared, indexed loop": (from) => loop(sharedTarget, from + 7, sharedSource, from, from + elements),
  "shared, TypedArray set": (from) =>
    sharedTarget.set(sharedSource.subarray(from, from + elements), from + 7),
  "shared, copyWithin": (from) => both.copyWithin(from + 7, length + from, length + from + elements),
  "shared, copyElements": (from) => copyElements(sharedTarget, from + 7, sharedSource, from, from + elements),
  "unshared, indexed loop": (from) => loop(plainTarget, from + 7, plainSource, from, from + elements),
  "unshared, TypedArray set": (from) =>
    plainTarget.set(plainSource.subarray(from, from + elements), from + 7),
  "unshared, copyElements": (from) => copyElements(plainTarget, from + 7, plainSource, from, from + elements),
};

const repeats = 400;
const perElement: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < 5; round++)
  for (const [name, copy] of Object.entries(cases)) {
    const started = performance.now();
    for (let r = 0; r < repeats; r++) copy((r * 997) % (length - elements - 8));
    perElement[name]?.push(((performance.now() - started) * 1e6) / (repeats * elements));
  }
console.log(`\n## Copying ${elements} Uint32 elements (node ${process.version}), median of 5 rounds\n`);
console.log("| copy | ns per element |\n| --- | ---: |");
for (const [name, ns] of Object.entries(perElement)) console.log(`| ${name} | ${median(ns).toFixed(3)} |`);
