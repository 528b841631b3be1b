// The one reader of the JSON files between training, the registry and the server: read, parse, check against the
// schema once. A failure names the file and, for a schema mismatch, the first offending field.
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { err, ok, type Result } from "../result.js";

export type JsonFileError =
  | { kind: "missing"; file: string; message: string }
  | { kind: "unreadable"; file: string; message: string }
  | { kind: "invalid-json"; file: string; message: string }
  | { kind: "schema-mismatch"; file: string; message: string };

/** Parses text already read from `file` (named in errors) with `schema`. */
export function parseJsonText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): Result<z.infer<S>, JsonFileError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err({
      kind: "invalid-json",
      file,
      message: `${file}: not valid JSON (${(error as Error).message})`,
    });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  return err({
    kind: "schema-mismatch",
    file,
    message: `${file}: does not match its schema${issue?.path.length ? ` at ${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`,
  });
}

export function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
): Result<z.infer<S>, JsonFileError> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return err(
      missing
        ? { kind: "missing", file, message: `${file} does not exist` }
        : { kind: "unreadable", file, message: `${file}: ${(error as Error).message}` },
    );
  }
  return parseJsonText(file, text, schema);
}
