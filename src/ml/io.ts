// Reading and writing the files between stages: JSON parsed once with its schema, and atomic writes
// (temp file + rename) so a crashed stage never leaves a half-written output behind.
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { fail, type MlError, ok, type Result } from "./errors.js";

/**
 * JSON with a trailing newline, indented by two spaces, but compact where that reads better: arrays of plain values
 * (or of arrays of plain values, like tree node values) stay on one line, and so do small flat records (plot
 * points). Key order is construction order, so the output is deterministic.
 */
export function toJson(value: unknown): string {
  return `${format(JSON.parse(JSON.stringify(value)), "")}\n`;
}

const isPlain = (value: unknown) => value === null || typeof value !== "object";
const isPlainArray = (value: unknown) => Array.isArray(value) && value.every(isPlain);

function inlineArray(items: unknown[]): string {
  return `[${items.map((item) => (Array.isArray(item) ? inlineArray(item) : JSON.stringify(item))).join(", ")}]`;
}

function format(value: unknown, indent: string): string {
  if (isPlain(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => isPlain(item) || isPlainArray(item))) return inlineArray(value);
    return `[\n${value.map((item) => inner + format(item, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  if (entries.every(([, item]) => isPlain(item))) {
    const inline = `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`).join(", ")}}`;
    if (inline.length <= 100) return inline;
  }
  const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${format(item, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, toJson(value));
}

/** Reads a JSON artifact and parses it with its schema; a missing file or a mismatch is an "artifact" error. */
export function readJson<S extends z.ZodType>(path: string, schema: S): Result<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return fail(artifactError(path, "missing; run the stage that writes it first"));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(artifactError(path, `not valid JSON: ${(error as Error).message}`));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return fail(artifactError(path, `does not match its schema${where}: ${issue?.message ?? "invalid"}`));
  }
  return ok(parsed.data);
}

function artifactError(file: string, message: string): MlError {
  return { kind: "artifact", file, message };
}
