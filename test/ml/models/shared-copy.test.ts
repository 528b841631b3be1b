import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyElements } from "../../../src/ml/models/hist/shared-copy.js";

type Kind = "Float64Array" | "Uint32Array";

/** `length` elements start, start + 1, … in a view at an element offset inside a larger buffer, shared or not. */
function view(
  kind: Kind,
  shared: boolean,
  offset: number,
  length: number,
  start: number,
): Float64Array | Uint32Array {
  const bytes = kind === "Float64Array" ? 8 : 4;
  const buffer = shared
    ? new SharedArrayBuffer((offset + length) * bytes)
    : new ArrayBuffer((offset + length) * bytes);
  const array =
    kind === "Float64Array"
      ? new Float64Array(buffer, offset * bytes, length)
      : new Uint32Array(buffer, offset * bytes, length);
  for (let i = 0; i < length; i++) array[i] = start + i;
  return array;
}

for (const shared of [true, false])
  for (const kind of ["Float64Array", "Uint32Array"] as const)
    for (const count of [0, 5, 63, 64, 1000])
      test(`copyElements: ${count} ${kind} elements, from ${shared ? "shared" : "unshared"} memory to ${shared ? "unshared" : "shared"}, views at offsets`, () => {
        const source = view(kind, shared, 3, 1200, 10);
        const target = view(kind, !shared, 5, 1200, 100_000);
        const expected = Array.from(target);
        for (let i = 0; i < count; i++) expected[17 + i] = source[40 + i] as number;
        copyElements(target, 17, source, 40, 40 + count);
        assert.equal(Array.from(target), expected, "exactly the range is copied, nothing around it");
      });

test.run();
