// models/<name>/aliases.json: which registry version each alias (e.g. `production`) points at, and the history of
// promotions and rollbacks. Written by the registry, followed by the server; depends on zod only.
import { z } from "zod";

export const ALIASES_FORMAT = "tabula.aliases/v1";

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
