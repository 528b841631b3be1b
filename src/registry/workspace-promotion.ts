// The registry's rules for a workspace: which model a command means when none is named, promoting the freshly
// built package/ (registering it first), and naming a manifest by version, alias or package directory.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { MANIFEST_FILE } from "../artifact/aliases.js";
import { type Manifest, ManifestSchema } from "../artifact/manifest.js";
import { readJsonFile } from "../artifact/read-json.js";
import { readAliases } from "./aliases-store.js";
import {
  listModels,
  modelDir,
  type Promoted,
  type Published,
  promote,
  publish,
  type Registry,
  readVersionManifest,
  resolveVersion,
} from "./registry.js";
import { ok, type Result, registryError } from "./registry-error.js";

/** The package stage's manifest in `packageDir`, or undefined when there is none to read. */
function packageManifest(packageDir: string): Manifest | undefined {
  const read = readJsonFile(join(packageDir, MANIFEST_FILE), ManifestSchema);
  return read.ok ? read.value : undefined;
}

/** The model a command means: `name` if given, else the package's model, else the registry's only model. */
export function defaultModelName(registry: Registry, packageDir: string, name?: string): Result<string> {
  if (name) return ok(name);
  const manifest = packageManifest(packageDir);
  if (manifest) return ok(manifest.name);
  const models = listModels(registry);
  if (models.length === 1) return ok(models[0] as string);
  return models.length === 0
    ? registryError(
        "not-found",
        `no model in ${registry.root} and no readable ${packageDir}/manifest.json: run the pipeline (npm run repro) first, or pass --name`,
      )
    : registryError("ambiguous", `${registry.root} holds several models (${models.join(", ")}): pass --name`);
}

export interface WorkspacePromotion {
  /** Set when the package was registered (or found registered) on the way. */
  registered?: Published;
  promoted: Promoted;
}

/**
 * Promotes `version` (a registry version or a prefix of one), or without one the package in `packageDir`, which is
 * registered first. A version that only the package has (not registered yet) means the package too.
 */
export async function promoteFromWorkspace(
  registry: Registry,
  request: { name: string; packageDir: string; version?: string; force?: boolean },
): Promise<Result<WorkspacePromotion>> {
  const { name, packageDir } = request;
  let target = request.version;
  if (target !== undefined) {
    const resolved = resolveVersion(registry, name, target);
    if (resolved.ok) target = resolved.value;
    else if (resolved.error.kind === "not-found" && packageManifest(packageDir)?.version.startsWith(target))
      target = undefined;
    else return resolved;
  }
  let registered: Published | undefined;
  if (target === undefined) {
    const published = await publish(registry, packageDir);
    if (!published.ok) return published;
    if (published.value.name !== name)
      return registryError("conflict", `${packageDir} holds model "${published.value.name}", not "${name}"`);
    registered = published.value;
    target = published.value.version;
  }
  const promoted = await promote(registry, { name, version: target, force: request.force ?? false });
  if (!promoted.ok) return promoted;
  return ok({ ...(registered ? { registered } : {}), promoted: promoted.value });
}

/**
 * The manifest `ref` names: an alias of the model (e.g. production), a registry version or a prefix of one, or a
 * package directory (e.g. package, the candidate a pipeline run just built), relative to `cwd`.
 */
export function manifestOf(registry: Registry, name: string, ref: string, cwd: string): Result<Manifest> {
  const aliases = readAliases(modelDir(registry, name));
  if (!aliases.ok) return aliases;
  const aliased = aliases.value.aliases[ref];
  if (aliased !== undefined) return readVersionManifest(registry, name, aliased);
  const dir = resolve(cwd, ref);
  if (existsSync(join(dir, MANIFEST_FILE))) {
    const read = readJsonFile(join(dir, MANIFEST_FILE), ManifestSchema);
    return read.ok ? ok(read.value) : registryError("corrupt", read.error.message);
  }
  const version = resolveVersion(registry, name, ref);
  if (!version.ok) return version;
  return readVersionManifest(registry, name, version.value);
}
