// The champion gate: the registry's production model (models/<name>/aliases.json → that version's manifest, both
// committed, so evaluate lists aliases.json as a dep and reruns when a promotion or rollback changes it) against the
// candidate's test metrics. The first model is always promoted; after that only a strictly better value of the
// chosen metric promotes.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  AliasesSchema,
  aliasesPath,
  MANIFEST_FILE,
  PRODUCTION_ALIAS,
  versionDir,
} from "../artifact/aliases.js";
import { ManifestSchema } from "../artifact/manifest.js";
import { ok, type Result } from "./errors.js";
import { readJson } from "./io.js";
import { type Direction, isBetter } from "./metrics.js";
import { PATHS } from "./paths.js";

export interface Champion {
  name: string;
  /** The production version, or null when nothing has been promoted yet. */
  version: string | null;
  metrics: Record<string, number>;
  testRows: number | null;
  /** sha256 of the trees file production was packaged from (its manifest's lineage), to recognise the same model. */
  model: string | null;
}

/** Reads models/<name>/aliases.json and the production version's manifest; no alias means no champion. */
export function readChampion(registryDir: string, name: string): Result<Champion> {
  const none: Champion = { name, version: null, metrics: {}, testRows: null, model: null };
  const modelDir = join(registryDir, name);
  if (!existsSync(aliasesPath(modelDir))) return ok(none);
  const aliases = readJson(aliasesPath(modelDir), AliasesSchema);
  if (!aliases.ok) return aliases;
  const version = aliases.value.aliases[PRODUCTION_ALIAS];
  if (version === undefined) return ok(none);
  return readRegistryVersion(registryDir, name, version);
}

/** One registry version (models/<name>/<version>/manifest.json) in the champion's terms. */
export function readRegistryVersion(registryDir: string, name: string, version: string): Result<Champion> {
  const modelDir = join(registryDir, name);
  const manifest = readJson(join(versionDir(modelDir, version), MANIFEST_FILE), ManifestSchema);
  if (!manifest.ok) return manifest;
  const metrics = Object.fromEntries(
    Object.entries(manifest.value.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const model = manifest.value.lineage.inputs[PATHS.model] ?? null;
  return ok({ name, version, metrics, testRows: manifest.value.testRows, model });
}

export interface Decision {
  promote: boolean;
  reason: string;
}

/** `candidateModel`: sha256 of the candidate's trees file, to recognise the production model itself. */
export function decidePromotion(
  candidate: Record<string, number>,
  champion: Champion,
  metric: string,
  direction: Direction,
  candidateModel?: string,
): Decision {
  const value = candidate[metric];
  if (value === undefined) throw new Error(`the candidate has no "${metric}" metric`);
  if (champion.version === null)
    return {
      promote: true,
      reason: `no ${PRODUCTION_ALIAS} model for "${champion.name}" yet: the first model is promoted`,
    };
  if (candidateModel !== undefined && candidateModel === champion.model)
    return {
      promote: false,
      reason: `this model is ${PRODUCTION_ALIAS} ${champion.name}@${champion.version} already`,
    };
  const incumbent = champion.metrics[metric];
  const against = `${PRODUCTION_ALIAS} ${champion.name}@${champion.version}`;
  if (incumbent === undefined)
    return {
      promote: true,
      reason: `${against} has no ${metric} to compare with; promoting on ${metric} ${fmt(value)}`,
    };
  const better = direction === "minimize" ? "lower" : "higher";
  if (isBetter(value, incumbent, direction))
    return {
      promote: true,
      reason: `${metric} ${fmt(value)} beats ${against}'s ${fmt(incumbent)} (${better} is better)`,
    };
  return {
    promote: false,
    reason: `${metric} ${fmt(value)} does not beat ${against}'s ${fmt(incumbent)} (${better} is better)`,
  };
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, "");
}
