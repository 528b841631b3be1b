// The stable partition of a node's segment of the index (rows with bin <= the split bin first, missing values
// on the side the split sends them), as a function made once per index: the index, its scratch and the
// column-major bins are constants of that function, so the optimised code holds their addresses and lengths
// instead of reloading them after every store (as histogram-kernel.ts does for histograms).
import { MISSING_BIN } from "./bin-mapper.js";
import { generatedFunction } from "./generated-code.js";
import { copyElements } from "./shared-copy.js";

/**
 * Partitions index[from … to) by column `column` (feature × rows) at `splitBin`; missing values go left when
 * `missingLeft` is 1. Returns where the right rows start.
 */
export type Partition = (
  column: number,
  splitBin: number,
  missingLeft: number,
  from: number,
  to: number,
) => number;

/** Right rows copied by copyElements (a memcpy, shared memory or not) from this many; below, by this loop. */
const COPY_FROM_ROWS = 256;

const byIndex = new WeakMap<
  Uint32Array,
  { scratch: Uint32Array; columns: Uint8Array; partition: Partition }
>();

export function partitionKernel(index: Uint32Array, scratch: Uint32Array, columns: Uint8Array): Partition {
  const known = byIndex.get(index);
  if (known?.scratch === scratch && known.columns === columns) return known.partition;
  // Branch-free (the side is unpredictable: a comparison here costs a mispredicted branch per row); write
  // never passes p. Right rows wait in scratch[from …]. A bin b goes left when b − (splitBin + 1) < 0, or
  // when it is MISSING_BIN (MISSING_BIN − 1 − b < 0) and missing values go left.
  // Two loops, each a function of its own: V8 compiles a long-running loop on stack replacement before the
  // code after it has ever run, and that code, without type feedback, then deoptimised on every call.
  const source = `
    const index = indexArray;
    const scratch = scratchArray;
    const columns = columnsArray;
    function sides(column, limit, missingLeft, from, to) {
      let write = from;
      let spill = from;
      for (let p = from; p < to; p++) {
        const row = index[p];
        const bin = columns[column + row];
        const side = ((bin - limit) >>> 31) | (missingLeft & ((${MISSING_BIN - 1} - bin) >>> 31));
        index[write] = row;
        scratch[spill] = row;
        write += side;
        spill += side ^ 1;
      }
      return write;
    }
    function rightRows(from, spill, write) {
      if (spill - from >= ${COPY_FROM_ROWS}) {
        copyElements(index, write, scratch, from, spill);
        return;
      }
      for (let q = from, w = write; q < spill; q++, w++) index[w] = scratch[q];
    }
    return function partition(column, splitBin, missingLeft, from, to) {
      const write = sides(column, splitBin + 1, missingLeft, from, to);
      rightRows(from, from + to - write, write);
      return write;
    };`;
  const make = generatedFunction(["indexArray", "scratchArray", "columnsArray", "copyElements"], source) as (
    index: Uint32Array,
    scratch: Uint32Array,
    columns: Uint8Array,
    copy: typeof copyElements,
  ) => Partition;
  const partition = make(index, scratch, columns, copyElements);
  byIndex.set(index, { scratch, columns, partition });
  return partition;
}
