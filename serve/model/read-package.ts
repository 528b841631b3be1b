// Reads one packaged model from disk: the manifest (parsed with the shared schema) and the ONNX bytes, whose sha256
// must match the manifest's. Nothing is trusted before these checks pass.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import { MANIFEST_FILE } from "../../src/artifact/aliases.js";
import { type Manifest, ManifestSchema } from "../../src/artifact/manifest.js";
import { readJsonFile } from "../../src/artifact/read-json.js";
import { type Loaded, loadError, loaded } from "./load-error.js";
import type { ResolvedSource } from "./model-source.js";

export interface ModelPackage {
  dir: string;
  manifest: Manifest;
  onnx: Uint8Array;
}

export function readModelPackage(source: ResolvedSource): Loaded<ModelPackage> {
  const manifestFile = join(source.dir, MANIFEST_FILE);
  const parsed = readJsonFile(manifestFile, ManifestSchema);
  if (!parsed.ok)
    return loadError(
      parsed.error.kind === "missing" ? "manifest-missing" : "manifest-invalid",
      parsed.error.message,
    );
  const manifest = parsed.value;
  if (source.aliasVersion !== undefined && manifest.version !== source.aliasVersion)
    return loadError(
      "version-mismatch",
      `${manifestFile} says version ${manifest.version} but the alias points at ${source.aliasVersion}`,
    );
  if (manifest.onnx.input.shape[1] !== manifest.features.length)
    return loadError(
      "manifest-invalid",
      `${manifestFile}: onnx.input.shape[1] is ${manifest.onnx.input.shape[1]} but there are ${manifest.features.length} features`,
    );
  const file = normalize(manifest.onnx.file);
  if (isAbsolute(file) || file.startsWith(".."))
    return loadError(
      "manifest-invalid",
      `${manifestFile}: onnx.file must be a path inside the package; got ${manifest.onnx.file}`,
    );
  const onnxFile = join(source.dir, file);
  if (!existsSync(onnxFile)) return loadError("onnx-missing", `${onnxFile} does not exist`);
  const onnx = readFileSync(onnxFile);
  const sha256 = createHash("sha256").update(onnx).digest("hex");
  if (sha256 !== manifest.onnx.sha256)
    return loadError(
      "checksum-mismatch",
      `${onnxFile}: sha256 is ${sha256}, the manifest says ${manifest.onnx.sha256} (a corrupt or replaced file)`,
    );
  return loaded({ dir: source.dir, manifest, onnx });
}
