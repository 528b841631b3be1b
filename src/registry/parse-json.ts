// A registry file's text parsed once with its schema; bad JSON or a schema mismatch is a "corrupt" error naming the
// file and the first offending field.
import type { z } from "zod";
import { fail, ok, type Result } from "./registry-error.js";

export function parseJson<S extends z.ZodType>(path: string, text: string, schema: S): Result<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail("corrupt", `${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail("corrupt", `${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return ok(parsed.data);
}
