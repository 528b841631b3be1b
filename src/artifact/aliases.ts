// models/<name>/aliases.json: which registry version each alias (e.g. `production`) points at, and the history of
// promotions and rollbacks. Written by the registry, followed by the server; depends on zod only.
import { join } from "node:path";
import { z } from "zod";

export const ALIASES_FORMAT = "tabula.aliases/v1";

/** The registry layout: models/<name>/aliases.json, and models/<name>/<version>/ holding one packaged model. */
export const ALIASES_FILE = "aliases.json";
export const MANIFEST_FILE = "manifest.json";
/** The alias clients are served from and promotions move. */
export const PRODUCTION_ALIAS = "production";

export const aliasesPath = (modelDir: string): string => join(modelDir, ALIASES_FILE);
export const versionDir = (modelDir: string, version: string): string => join(modelDir, version);

/** A version named in aliases.json must be one directory below the model directory. */
export const isVersionName = (version: string): boolean =>
  version !== "" && version !== "." && version !== ".." && !version.includes("/") && !version.includes("\\");

export const AliasEventSchema = z
  .object({
    action: z.enum(["promote", "rollback"]),
    alias: z.string(),
    version: z.string(),
    previous: z.string().nullable(),
    at: z.string(),
    reason: z.string().optional(),
  })
  .strict();

export const AliasesSchema = z
  .object({
    format: z.literal(ALIASES_FORMAT),
    aliases: z.record(z.string(), z.string()),
    history: z.array(AliasEventSchema),
  })
  .strict();

export type Aliases = z.infer<typeof AliasesSchema>;
export type AliasEvent = z.infer<typeof AliasEventSchema>;
