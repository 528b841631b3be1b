// models/<name>/aliases.json: read with its schema (a missing file is an empty registry), written atomically.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ALIASES_FORMAT, type Aliases, AliasesSchema } from "../artifact/aliases.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { toJson } from "../ml/io.js";
import { canonicalJson } from "../repro/canonical-json.js";
import { parseJson } from "./parse-json.js";
import { fail, ok, type Result } from "./registry-error.js";

export const ALIASES_FILE = "aliases.json";
export const PRODUCTION = "production";

export function readAliases(modelDir: string): Result<Aliases> {
  const path = join(modelDir, ALIASES_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return ok({ format: ALIASES_FORMAT, aliases: {}, history: [] });
    return fail("corrupt", `${path}: ${(error as Error).message}`);
  }
  return parseJson(path, text, AliasesSchema);
}

export function writeAliases(modelDir: string, aliases: Aliases): void {
  writeFileAtomic(
    join(modelDir, ALIASES_FILE),
    toJson(JSON.parse(canonicalJson(AliasesSchema.parse(aliases)))),
    { durable: true },
  );
}

/**
 * The versions `alias` has pointed at, oldest first, replaying the history: a promotion pushes, a rollback pops.
 * The last entry is the current one; the one before it is where a rollback goes.
 */
export function promotionStack(aliases: Aliases, alias = PRODUCTION): string[] {
  const stack: string[] = [];
  for (const event of aliases.history) {
    if (event.alias !== alias) continue;
    if (event.action === "promote") stack.push(event.version);
    else stack.pop();
  }
  return stack;
}
