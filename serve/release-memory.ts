// A full, memory-reducing garbage collection, run after a model is loaded (at startup and after each reload). Loading
// leaves tens of MB of garbage on the JavaScript heap (the ONNX file decoded for the compiled trees, the generated
// source, the verification's rows), and V8 keeps the pages it grew for it: an ordinary collection frees the objects
// but not the pages, so the server would carry them, resident, for its whole life (≈ 20 MB, serve/README.md,
// memory). The collection V8 runs when memory is short ("last resort") also gives the pages back.
// V8 only exposes `gc` to contexts made while --expose-gc is set, so it is set just long enough to make one (as
// jest's leak detector does) and the flag is then cleared again: nothing else sees a `gc` global.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

let collect: Collect | undefined;

function collector(): Collect {
  if (collect) return collect;
  setFlagsFromString("--expose-gc");
  try {
    collect = runInNewContext("gc") as Collect;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  return collect;
}

/** Collects all garbage and returns the heap pages it frees to the OS; a pause of some tens of ms, once per load. */
export function releaseFreedMemory(): void {
  collector()({ type: "major", execution: "sync", flavor: "last-resort" });
}
