// The row-heavy work of one tree level, done by every thread at once on its own share (any thread, the calling
// one included, runs these functions; histogram-worker.ts on worker threads):
//   - partition: thread t owns the rows of index[rowFrom(t) … rowFrom(t+1)), so a node's rows are one segment
//     per thread, and each thread partitions its own segments of the nodes being split;
//   - histograms: thread t fills a block of features of every requested histogram, reading every thread's
//     segment of the node in order, i.e. the node's rows in ascending order whatever the thread count, so every
//     sum is the same float for 1, 2 or 3 threads; then it subtracts the sibling histograms in that block.
// The calling thread writes what to do into `plan` (layouts below) and every thread reads it.
import { MISSING_BIN } from "./bin-mapper.js";
import { HISTOGRAM_BINS } from "./histogram.js";

/** Memory every thread of a fit reads (shared memory when there are worker threads). */
export interface LevelMemory {
  /** features × rows, column-major. */
  bins: Uint8Array;
  rows: number;
  /** Row ids; thread t's rows live in index[rowFrom(t) … rowFrom(t+1)). */
  index: Uint32Array;
  /** Same length as index: partition scratch, used by each thread in its own range. */
  scratch: Uint32Array;
  /** rows × channels: each row's channel values for the tree being grown. */
  values: Float64Array;
  channels: number;
  threads: number;
  plan: Int32Array;
  /** Histogram buffers by id. */
  histograms: Float64Array[];
}

export const OP_PARTITION = 1;
export const OP_HISTOGRAMS = 2;
export type LevelOp = typeof OP_PARTITION | typeof OP_HISTOGRAMS;

/** First index position of thread t's rows. */
export function rowFrom(rows: number, threads: number, t: number): number {
  return Math.floor((t * rows) / threads);
}

// OP_PARTITION plan: [count, then per split: feature, bin, missingLeft, threads × (from, to), threads × middle].
/** Ints per split in an OP_PARTITION plan. */
export const partitionEntry = (threads: number) => 3 + 3 * threads;
// OP_HISTOGRAMS plan: [slots, slotFeatures…, requests, per request: histogram id, threads × (from, to),
//                      pairs, per pair: parent id, smaller id] (the parent becomes parent − smaller).
/** Ints per request in an OP_HISTOGRAMS plan. */
export const requestEntry = (threads: number) => 1 + 2 * threads;

export function runLevelWork(memory: LevelMemory, op: LevelOp, thread: number): void {
  if (op === OP_PARTITION) partitionSegments(memory, thread);
  else buildHistograms(memory, thread);
}

/** Stable partitions of this thread's segment of every split node: rows with bin <= split bin go left. */
function partitionSegments(memory: LevelMemory, thread: number): void {
  const { bins, rows, index, scratch, plan, threads } = memory;
  const count = plan[0] as number;
  const size = partitionEntry(threads);
  for (let s = 0, at = 1; s < count; s++, at += size) {
    const column = (plan[at] as number) * rows;
    const bin = plan[at + 1] as number;
    const missingSide = plan[at + 2] as number;
    const from = plan[at + 3 + 2 * thread] as number;
    const to = plan[at + 4 + 2 * thread] as number;
    let write = from;
    let spill = from;
    // Branch-free (the side is unpredictable); write never passes p. Right rows wait in scratch[from …].
    for (let p = from; p < to; p++) {
      const row = index[p] as number;
      const b = bins[column + row] as number;
      const side = b === MISSING_BIN ? missingSide : b <= bin ? 1 : 0;
      index[write] = row;
      scratch[spill] = row;
      write += side;
      spill += 1 - side;
    }
    index.set(scratch.subarray(from, spill), write);
    plan[at + 3 + 2 * threads + thread] = write;
  }
}

function buildHistograms(memory: LevelMemory, thread: number): void {
  const { plan, threads, channels, histograms } = memory;
  const slots = plan[0] as number;
  const blocks = Math.min(threads, slots);
  if (thread >= blocks) return;
  const slotFrom = Math.round((thread * slots) / blocks);
  const slotTo = Math.round(((thread + 1) * slots) / blocks);
  const slotFeatures = plan.subarray(1, 1 + slots);
  let at = 1 + slots;
  const requests = plan[at++] as number;
  const size = requestEntry(threads);
  for (let r = 0; r < requests; r++, at += size)
    fillHistogram(
      memory,
      slotFeatures,
      slotFrom,
      slotTo,
      plan.subarray(at + 1, at + size),
      histograms[plan[at] as number] as Float64Array,
    );
  const pairs = plan[at++] as number;
  const stride = HISTOGRAM_BINS * channels;
  for (let q = 0; q < pairs; q++, at += 2) {
    const parent = histograms[plan[at] as number] as Float64Array;
    const smaller = histograms[plan[at + 1] as number] as Float64Array;
    for (let i = slotFrom * stride, end = slotTo * stride; i < end; i++)
      parent[i] = (parent[i] as number) - (smaller[i] as number);
  }
}

/**
 * The histogram of one node's rows (segments: threads × (from, to) of index) for the slots [slotFrom, slotTo):
 * per slot and bin, the sums of the rows' channel values. Slots outside the range are left untouched.
 */
export function fillHistogram(
  memory: LevelMemory,
  slotFeatures: Int32Array,
  slotFrom: number,
  slotTo: number,
  segments: Int32Array,
  out: Float64Array,
): void {
  const { bins, rows, index, values, channels } = memory;
  const stride = HISTOGRAM_BINS * channels;
  for (let slot = slotFrom; slot < slotTo; slot++) {
    const base = slot * stride;
    out.fill(0, base, base + stride);
    const column = (slotFeatures[slot] as number) * rows;
    for (let s = 0; s < segments.length; s += 2) {
      const from = segments[s] as number;
      const to = segments[s + 1] as number;
      if (channels === 2) {
        // Boosting's case, unrolled: gradient and hessian.
        for (let p = from; p < to; p++) {
          const row = index[p] as number;
          const at = base + ((bins[column + row] as number) << 1);
          const k = row << 1;
          out[at] = (out[at] as number) + (values[k] as number);
          out[at + 1] = (out[at + 1] as number) + (values[k + 1] as number);
        }
      } else {
        for (let p = from; p < to; p++) {
          const row = index[p] as number;
          const at = base + (bins[column + row] as number) * channels;
          const k = row * channels;
          for (let c = 0; c < channels; c++)
            out[at + c] = (out[at + c] as number) + (values[k + c] as number);
        }
      }
    }
  }
}
