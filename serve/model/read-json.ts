// Reads a JSON file and parses it with a schema; a failure names the file and the first offending field.
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { type LoadErrorKind, type Loaded, loadError, loaded } from "./load-error.js";

export function readJsonFile<T>(file: string, schema: z.ZodType<T>, kind: LoadErrorKind): Loaded<T> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return loadError(kind, `${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return loaded(parsed.data);
  const issue = parsed.error.issues[0];
  return loadError(kind, `${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
}
