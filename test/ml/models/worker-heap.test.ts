// startWorker's initialOldGenerationMb: the worker's heap runs no full GC below it, and the V8 flag that carries
// it is unset again once the worker runs, so a worker started afterwards has V8's default limit. Node 22's V8 (12.4)
// sets a new heap's limit without the flag (measured: a full GC at 11 MB either way): there only the second half
// holds, and the option changes nothing.
import { once } from "node:events";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startWorker } from "../../../src/ml/models/worker-thread.js";

async function majorGcsAfterKeeping(megabytes: number, initialOldGenerationMb?: number): Promise<number> {
  const worker = startWorker(import.meta.url, "heap-worker", { initialOldGenerationMb });
  try {
    worker.postMessage(megabytes);
    const [majorGcs] = (await once(worker, "message")) as [number];
    return majorGcs;
  } finally {
    await worker.terminate();
  }
}

/** Whether this Node's V8 takes a new heap's first old-generation limit from --initial-old-space-size. */
const heapFlagTakesEffect = Number(process.versions.node.split(".")[0]) >= 24;

test("a worker started with room for 96 MB keeps 40 MB more without a full GC; one started after it does not", async () => {
  const withRoom = await majorGcsAfterKeeping(40, 96);
  if (heapFlagTakesEffect) assert.is(withRoom, 0);
  assert.ok((await majorGcsAfterKeeping(40)) > 0, "the default limit should have been restored");
});

test.run();
