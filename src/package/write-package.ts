// Writes package/{model.onnx, manifest.json, model-card.md} as one atomic directory replacement, so that a reader
// (the registry, a server pointed at package/) never sees files from two different runs.

import { replaceDirectoryAtomic } from "../fs/atomic-write.js";
import { toJson } from "../ml/io.js";
import { canonicalJson } from "../repro/canonical-json.js";
import type { PackagedModel } from "./package-model.js";

export function packageFiles(packaged: PackagedModel): Record<string, Uint8Array | string> {
  return {
    "model.onnx": packaged.onnx,
    // Keys sorted (canonical), laid out like the pipeline's other JSON files (plain arrays on one line).
    "manifest.json": toJson(JSON.parse(canonicalJson(packaged.manifest))),
    "model-card.md": packaged.modelCard,
  };
}

export function writePackage(dir: string, packaged: PackagedModel): void {
  replaceDirectoryAtomic(dir, packageFiles(packaged));
}
