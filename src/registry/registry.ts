// The model registry: models/<name>/<version>/{model.onnx, manifest.json, model-card.md} (immutable once written)
// and models/<name>/aliases.json (which version `production` is, and the history). The server follows `production`.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Aliases, MANIFEST_FILE, PRODUCTION_ALIAS } from "../artifact/aliases.js";
import { type ContractDiff, diffContract, formatContractDiff } from "../artifact/contract-diff.js";
import { type Manifest, ManifestSchema } from "../artifact/manifest.js";
import { readJsonFile } from "../artifact/read-json.js";
import { createDirectoryAtomic } from "../fs/atomic-write.js";
import { tryLock } from "../fs/file-lock.js";
import { promotionStack, readAliases, writeAliases } from "./aliases-store.js";
import { type CheckedArtifact, checkArtifact } from "./artifact-check.js";
import { ok, type Result, registryError } from "./registry-error.js";

export interface Registry {
  /** The registry's root directory, e.g. "models". */
  root: string;
  /** The clock for the aliases history (injectable for tests). */
  now?: () => Date;
}

export interface VersionEntry {
  version: string;
  aliases: string[];
  manifest?: Manifest;
  /** Why the manifest could not be read, if it could not. */
  problem?: string;
}

const VERSION_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export const modelDir = (registry: Registry, name: string) => join(registry.root, name);
export const versionDir = (registry: Registry, name: string, version: string) =>
  join(registry.root, name, version);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function listModels(registry: Registry): string[] {
  if (!isDirectory(registry.root)) return [];
  return readdirSync(registry.root)
    .filter((name) => VERSION_NAME.test(name) && isDirectory(join(registry.root, name)))
    .sort();
}

function versionNames(registry: Registry, name: string): string[] {
  const dir = modelDir(registry, name);
  if (!isDirectory(dir)) return [];
  return readdirSync(dir).filter((entry) => VERSION_NAME.test(entry) && isDirectory(join(dir, entry)));
}

/** Every version, in the order they were first promoted (never-promoted ones last, by name), with their aliases. */
export function listVersions(registry: Registry, name: string): Result<VersionEntry[]> {
  const aliases = readAliases(modelDir(registry, name));
  if (!aliases.ok) return aliases;
  const names = versionNames(registry, name);
  const firstSeen = new Map<string, number>();
  aliases.value.history.forEach((event, i) => {
    if (!firstSeen.has(event.version)) firstSeen.set(event.version, i);
  });
  names.sort((a, b) => (firstSeen.get(a) ?? Infinity) - (firstSeen.get(b) ?? Infinity) || a.localeCompare(b));
  return ok(
    names.map((version) => {
      const entry: VersionEntry = {
        version,
        aliases: Object.keys(aliases.value.aliases).filter(
          (alias) => aliases.value.aliases[alias] === version,
        ),
      };
      const manifest = readVersionManifest(registry, name, version);
      if (manifest.ok) entry.manifest = manifest.value;
      else entry.problem = manifest.error.message;
      return entry;
    }),
  );
}

/** A version's manifest, parsed with its schema (its files are not checked: see showVersion). */
export function readVersionManifest(registry: Registry, name: string, version: string): Result<Manifest> {
  const read = readJsonFile(join(versionDir(registry, name, version), MANIFEST_FILE), ManifestSchema);
  if (read.ok) return ok(read.value);
  return registryError(read.error.kind === "missing" ? "not-found" : "corrupt", read.error.message);
}

/** The manifest of the version `production` points at; undefined when nothing was promoted yet. */
export function productionManifest(registry: Registry, name: string): Result<Manifest | undefined> {
  const aliases = readAliases(modelDir(registry, name));
  if (!aliases.ok) return aliases;
  const version = aliases.value.aliases[PRODUCTION_ALIAS];
  return version === undefined ? ok(undefined) : readVersionManifest(registry, name, version);
}

/** A full version, or an unambiguous prefix of one (as with git revisions). */
export function resolveVersion(registry: Registry, name: string, version: string): Result<string> {
  const names = versionNames(registry, name);
  if (names.includes(version)) return ok(version);
  const matches = version.length >= 4 ? names.filter((candidate) => candidate.startsWith(version)) : [];
  if (matches.length === 1) return ok(matches[0] as string);
  if (matches.length > 1)
    return registryError(
      "ambiguous",
      `version "${version}" of ${name} matches ${matches.join(", ")}: give more characters`,
    );
  return registryError(
    "not-found",
    `${name} has no version "${version}" in ${modelDir(registry, name)}${names.length > 0 ? ` (versions: ${names.sort().join(", ")})` : ""}`,
  );
}

export interface VersionDetails {
  checked: CheckedArtifact;
  aliases: string[];
}

/** One version, with its files checked (hash, onnxruntime load, golden rows). */
export async function showVersion(
  registry: Registry,
  name: string,
  version: string,
): Promise<Result<VersionDetails>> {
  const resolved = resolveVersion(registry, name, version);
  if (!resolved.ok) return resolved;
  const checked = await checkArtifact(versionDir(registry, name, resolved.value));
  if (!checked.ok) return checked;
  const aliases = readAliases(modelDir(registry, name));
  if (!aliases.ok) return aliases;
  return ok({
    checked: checked.value,
    aliases: Object.keys(aliases.value.aliases).filter(
      (alias) => aliases.value.aliases[alias] === resolved.value,
    ),
  });
}

export interface Published {
  name: string;
  version: string;
  /** False when the registry already held this exact version. */
  created: boolean;
  checked: CheckedArtifact;
}

/** Copies a checked package directory into the registry as models/<name>/<version>/, in one rename. */
export async function publish(registry: Registry, packageDir: string): Promise<Result<Published>> {
  const checked = await checkArtifact(packageDir);
  if (!checked.ok) return checked;
  const { name, version } = checked.value.manifest;
  const target = versionDir(registry, name, version);
  if (existsSync(target)) {
    // The version is a content hash of the model: the registry's copy is the same model (first registered, with
    // its own lineage), unless it was damaged since.
    const existing = await checkArtifact(target);
    if (!existing.ok)
      return registryError(
        "conflict",
        `${target} already exists but is damaged (${existing.error.message}); registry versions are immutable: remove it by hand, then register again`,
      );
    return ok({ name, version, created: false, checked: existing.value });
  }
  try {
    createDirectoryAtomic(target, checked.value.files);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTEMPTY")
      return registryError("conflict", `${target} was created by another process meanwhile`);
    throw error;
  }
  return ok({ name, version, created: true, checked: checked.value });
}

/** An exclusive lock on one model's aliases (src/fs/file-lock.ts); a second caller is refused, not kept waiting. */
function withLock<T>(registry: Registry, name: string, action: () => Result<T>): Result<T> {
  const path = join(modelDir(registry, name), ".lock");
  const lock = tryLock(path, `models ${name}`);
  if (!lock.acquired)
    return registryError(
      "locked",
      `${path}: process ${lock.holder.pid} is changing ${name}'s aliases (${lock.holder.command}); try again when it is done`,
    );
  try {
    return action();
  } finally {
    lock.release();
  }
}

function setAlias(
  registry: Registry,
  name: string,
  update: (aliases: Aliases, current: string | undefined) => Result<Aliases["history"][number]>,
): Result<{ event: Aliases["history"][number] | undefined }> {
  return withLock<{ event: Aliases["history"][number] | undefined }>(registry, name, () => {
    const aliases = readAliases(modelDir(registry, name));
    if (!aliases.ok) return aliases;
    const current = aliases.value.aliases[PRODUCTION_ALIAS];
    const event = update(aliases.value, current);
    if (!event.ok) return event;
    if (event.value.version === current) return ok({ event: undefined });
    writeAliases(modelDir(registry, name), {
      ...aliases.value,
      aliases: { ...aliases.value.aliases, [event.value.alias]: event.value.version },
      history: [...aliases.value.history, event.value],
    });
    return ok({ event: event.value });
  });
}

export interface PromoteRequest {
  name: string;
  version: string;
  /** Promote even though the evaluate stage's gate said not to, or the API contract breaks. */
  force?: boolean;
}

export interface Promoted {
  version: string;
  previous: string | null;
  /** False when the version already was production. */
  changed: boolean;
  /** Why it was promoted against the rules (--force), if it was. */
  forced: string[];
  /** The API contract change against the production version it replaces. */
  contract: ContractDiff | undefined;
}

/** Points `production` at a registry version, after checking its files and the evaluate stage's gate. */
export async function promote(registry: Registry, request: PromoteRequest): Promise<Result<Promoted>> {
  const shown = await showVersion(registry, request.name, request.version);
  if (!shown.ok) return shown;
  const { manifest } = shown.value.checked;
  const refused = manifest.gate?.promote === false;
  if (refused && !request.force)
    return registryError(
      "gate-refused",
      `${request.name} ${manifest.version} was not promoted: the evaluate stage said "${manifest.gate?.reason}". Use --force to promote it anyway.`,
    );
  const production = productionManifest(registry, request.name);
  if (!production.ok) return production;
  const contract =
    production.value && production.value.version !== manifest.version
      ? diffContract(production.value, manifest)
      : undefined;
  if (contract?.breaking && !request.force)
    return registryError(
      "breaking-change",
      `${request.name} ${manifest.version} was not promoted: it breaks the API contract of production ${production.value?.version}.\n${formatContractDiff(contract)}Update those clients first, or use --force to promote it anyway.`,
    );
  const forced = [
    ...(refused ? [`forced past the gate: ${manifest.gate?.reason}`] : []),
    ...(contract?.breaking
      ? [
          `forced past a breaking contract change: ${contract.changes
            .filter((change) => change.breaking)
            .map((change) => change.kind)
            .join(", ")}`,
        ]
      : []),
  ];
  const now = (registry.now ?? (() => new Date()))().toISOString();
  const result = setAlias(registry, request.name, (_, current) =>
    ok({
      action: "promote",
      alias: PRODUCTION_ALIAS,
      version: manifest.version,
      previous: current ?? null,
      at: now,
      ...(forced.length > 0 ? { reason: forced.join("; ") } : {}),
    }),
  );
  if (!result.ok) return result;
  const previous = result.value.event?.previous ?? null;
  return ok({
    version: manifest.version,
    previous,
    changed: result.value.event !== undefined,
    forced,
    contract,
  });
}

export interface RolledBack {
  from: string;
  to: string;
}

/** Points `production` back at the version it had before the current one was promoted. */
export function rollback(registry: Registry, name: string): Result<RolledBack> {
  const now = (registry.now ?? (() => new Date()))().toISOString();
  const result = setAlias(registry, name, (aliases, current) => {
    const stack = promotionStack(aliases);
    if (current === undefined)
      return registryError("nothing-to-roll-back", `${name} has no production version yet`);
    if (stack.length < 2)
      return registryError(
        "nothing-to-roll-back",
        `${name}: ${current} is the first production version; there is nothing before it`,
      );
    const target = stack[stack.length - 2] as string;
    if (!isDirectory(versionDir(registry, name, target)))
      return registryError(
        "not-found",
        `${name}: the previous production version ${target} is missing from ${modelDir(registry, name)}`,
      );
    return ok({ action: "rollback", alias: PRODUCTION_ALIAS, version: target, previous: current, at: now });
  });
  if (!result.ok) return result;
  const event = result.value.event;
  return ok({ from: event?.previous ?? "", to: event?.version ?? "" });
}
