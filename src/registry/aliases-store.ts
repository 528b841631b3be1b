// models/<name>/aliases.json: read with its schema (a missing file is an empty registry), written atomically.
import {
  ALIASES_FORMAT,
  type Aliases,
  AliasesSchema,
  aliasesPath,
  PRODUCTION_ALIAS,
} from "../artifact/aliases.js";
import { readJsonFile } from "../artifact/read-json.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { toJson } from "../ml/io.js";
import { canonicalJson } from "../repro/canonical-json.js";
import { ok, type Result, registryError } from "./registry-error.js";

export function readAliases(modelDir: string): Result<Aliases> {
  const read = readJsonFile(aliasesPath(modelDir), AliasesSchema);
  if (read.ok) return read;
  if (read.error.kind === "missing") return ok({ format: ALIASES_FORMAT, aliases: {}, history: [] });
  return registryError("corrupt", read.error.message);
}

export function writeAliases(modelDir: string, aliases: Aliases): void {
  writeFileAtomic(aliasesPath(modelDir), toJson(JSON.parse(canonicalJson(AliasesSchema.parse(aliases)))), {
    durable: true,
  });
}

/**
 * The versions `alias` has pointed at, oldest first, replaying the history: a promotion pushes, a rollback pops.
 * The last entry is the current one; the one before it is where a rollback goes.
 */
export function promotionStack(aliases: Aliases, alias = PRODUCTION_ALIAS): string[] {
  const stack: string[] = [];
  for (const event of aliases.history) {
    if (event.alias !== alias) continue;
    if (event.action === "promote") stack.push(event.version);
    else stack.pop();
  }
  return stack;
}
