import type { $ZodIssue } from "zod/v4/core";
import type { Location } from "../errors.js";
import type { YamlSource } from "./yaml-source.js";

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function fieldName(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((part) => typeof part === "string");
  const index = path[path.length - 1];
  const name = typeof last === "string" ? last : "value";
  return typeof index === "number" ? `${name}[${index}]` : name;
}

/** A zod issue as a sentence and the place in the YAML file it refers to. */
export function describeIssue(
  issue: $ZodIssue,
  source: YamlSource,
  allowedKeys?: (path: readonly PropertyKey[]) => readonly string[] | undefined,
): { at: Location; message: string } {
  const path = issue.path;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      const allowed = allowedKeys?.(path);
      return {
        at: source.locateKey([...path, key]),
        message: `unknown key "${key}"${allowed ? `; allowed keys: ${allowed.join(", ")}` : ""}`,
      };
    }
    case "invalid_type":
      return {
        at: source.locate(path),
        message: `${fieldName(path)} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(valueAt(source.data, path))}`,
      };
    default:
      return {
        at: source.locate(path),
        message:
          issue.message && issue.message !== "Invalid input"
            ? issue.message
            : `${fieldName(path)} is not valid (${issue.code})`,
      };
  }
}

/** zod reports issues in schema order; users read files top to bottom, so report the first one in the file. */
export function firstInFile<T extends { at: Location }>(items: T[]): T | undefined {
  return [...items].sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column)[0];
}
