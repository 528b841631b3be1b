// Checks a packaged model directory (package/ or models/<name>/<version>/) before the registry accepts or promotes
// it: the manifest parses, model.onnx is the file the manifest hashed, onnxruntime loads it with the promised
// input and outputs, and it reproduces the manifest's golden rows. Every failure is a value naming file and reason.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeCategory } from "../artifact/category-code.js";
import { compareGolden } from "../artifact/golden.js";
import { type Manifest, ManifestSchema } from "../artifact/manifest.js";
import { parseJsonText } from "../artifact/read-json.js";
import { createSession, runModel } from "../ml/onnx/onnx-session.js";
import { ok, type Result, registryError } from "./registry-error.js";

export const ARTIFACT_FILES = ["model.onnx", "manifest.json", "model-card.md"] as const;

export interface CheckedArtifact {
  dir: string;
  manifest: Manifest;
  files: Record<(typeof ARTIFACT_FILES)[number], Buffer>;
  goldenMaxDiff: number;
}

function readFiles(dir: string): Result<CheckedArtifact["files"]> {
  const files: Partial<CheckedArtifact["files"]> = {};
  for (const name of ARTIFACT_FILES) {
    try {
      files[name] = readFileSync(join(dir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return registryError(
        code === "ENOENT" ? "not-found" : "corrupt",
        `${join(dir, name)}: ${code === "ENOENT" ? "missing" : (error as Error).message}`,
      );
    }
  }
  return ok(files as CheckedArtifact["files"]);
}

export function parseManifest(path: string, bytes: Buffer): Result<Manifest> {
  const parsed = parseJsonText(path, bytes.toString("utf8"), ManifestSchema);
  return parsed.ok ? parsed : registryError("corrupt", parsed.error.message);
}

/** The float32 tensor code of a raw golden value, as a client's request is encoded. */
function code(feature: Manifest["features"][number], value: number | string | null): number {
  if (feature.kind === "categorical") return encodeCategory(feature, value);
  return typeof value === "number" ? value : Number.NaN;
}

async function checkGolden(path: string, model: Buffer, manifest: Manifest): Promise<Result<number>> {
  let session: Awaited<ReturnType<typeof createSession>>;
  try {
    session = await createSession(model);
  } catch (error) {
    return registryError("invalid-onnx", `${path}: onnxruntime cannot load it: ${(error as Error).message}`);
  }
  try {
    const expectedOutputs = Object.values(manifest.onnx.outputs).sort();
    if (
      session.inputNames.join() !== manifest.onnx.input.name ||
      session.outputNames.slice().sort().join() !== expectedOutputs.join()
    )
      return registryError(
        "corrupt",
        `${path}: the graph's input/outputs (${session.inputNames} → ${session.outputNames}) are not the manifest's (${manifest.onnx.input.name} → ${expectedOutputs})`,
      );
    const width = manifest.features.length;
    const raw = new Float32Array(manifest.golden.length * width);
    manifest.golden.forEach((row, i) => {
      manifest.features.forEach((feature, j) => {
        raw[i * width + j] = code(feature, row.features[feature.name] ?? null);
      });
    });
    const outputs = await runModel(session, raw, width);
    const compared = compareGolden(manifest.golden, (i) => {
      const expected = manifest.golden[i]?.expected;
      if (outputs.prediction || typeof expected !== "object") return { prediction: outputs.prediction?.[i] };
      const k = expected.probabilities.length;
      return {
        label: outputs.labels?.[i],
        probabilities: outputs.probabilities?.subarray(i * k, (i + 1) * k) ?? [],
      };
    });
    if (!compared.ok)
      return registryError(
        "golden-mismatch",
        `${path}: ${compared.error.message}; the model file does not match its manifest`,
      );
    return ok(compared.value.maxAbsDiff);
  } finally {
    await session.release();
  }
}

export async function checkArtifact(dir: string): Promise<Result<CheckedArtifact>> {
  const files = readFiles(dir);
  if (!files.ok) return files;
  const manifest = parseManifest(join(dir, "manifest.json"), files.value["manifest.json"]);
  if (!manifest.ok) return manifest;
  const modelPath = join(dir, "model.onnx");
  const model = files.value["model.onnx"];
  const sha = createHash("sha256").update(model).digest("hex");
  if (sha !== manifest.value.onnx.sha256)
    return registryError(
      "corrupt",
      `${modelPath}: its sha256 (${sha}, ${model.length} bytes) is not the manifest's (${manifest.value.onnx.sha256}): the file is truncated or was modified`,
    );
  const golden = await checkGolden(modelPath, model, manifest.value);
  if (!golden.ok) return golden;
  return ok({ dir, manifest: manifest.value, files: files.value, goldenMaxDiff: golden.value });
}
