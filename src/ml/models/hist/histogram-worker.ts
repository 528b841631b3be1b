// Worker-thread entry of the threaded histogram builder (threaded-builder.ts): keeps each fit's shared
// matrices (bins, row index, row values: SharedArrayBuffers, never copied) and fills the slot block of the
// histograms it is asked for.
import { parentPort } from "node:worker_threads";
import { buildHistogram } from "./histogram.js";

interface FitMemory {
  bins: Uint8Array;
  rows: number;
  index: Uint32Array;
  values: Float64Array;
  channels: number;
}

export type HistogramMessage =
  | ({ kind: "attach"; fit: number } & FitMemory)
  | { kind: "detach"; fit: number }
  | {
      kind: "build";
      id: number;
      fit: number;
      slotFeatures: Int32Array;
      slotFrom: number;
      slotTo: number;
      requests: { from: number; to: number; histogram: Float64Array }[];
    };

const fits = new Map<number, FitMemory>();

parentPort?.on("message", (message: HistogramMessage) => {
  if (message.kind === "attach") {
    const { kind: _, fit, ...memory } = message;
    fits.set(fit, memory);
    return;
  }
  if (message.kind === "detach") {
    fits.delete(message.fit);
    return;
  }
  try {
    const memory = fits.get(message.fit);
    if (memory === undefined) throw new Error(`fit ${message.fit} was never attached`);
    for (const { from, to, histogram } of message.requests)
      buildHistogram(
        memory.bins,
        memory.rows,
        message.slotFeatures,
        message.slotFrom,
        message.slotTo,
        memory.index,
        from,
        to,
        memory.values,
        memory.channels,
        histogram,
      );
    parentPort?.postMessage({ id: message.id });
  } catch (error) {
    parentPort?.postMessage({
      id: message.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
