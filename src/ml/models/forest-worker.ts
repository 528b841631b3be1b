// Worker-thread entry: grows the trees it is asked for and posts them back (buffers transferred).
import { parentPort } from "node:worker_threads";
import { type ForestJob, growForestTrees } from "./forest-trees.js";

export interface ForestTask {
  id: number;
  job: ForestJob;
  treeIndices: number[];
}

parentPort?.on("message", async ({ id, job, treeIndices }: ForestTask) => {
  try {
    const trees = await growForestTrees(job, treeIndices);
    const buffers = trees.flatMap(({ columns, gain }) =>
      [...Object.values(columns), gain].map((array: ArrayBufferView) => array.buffer as ArrayBuffer),
    );
    parentPort?.postMessage({ id, trees }, buffers);
  } catch (error) {
    parentPort?.postMessage({
      id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
