// Reading and writing the files between stages: JSON parsed once with its schema, and atomic writes
// (temp file + rename) so a crashed stage never leaves a half-written output behind.

import { closeSync, openSync, writeSync } from "node:fs";
import type { z } from "zod";
import { readJsonFile } from "../artifact/read-json.js";
import { writeAtomicWith } from "../fs/atomic-write.js";
import { err, type MlError, ok, type Result } from "./errors.js";

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

/**
 * Writes toJson(value), atomically, a part at a time: each item of a top-level entry that is an array of records
 * (a model's trees) is formatted and written on its own, so a model larger than V8's longest string still writes;
 * items that `itemWriter` claims (a model's trees: write-tree-json.ts) it writes itself, in parts of bounded size.
 */
export function writeJsonAtomic(path: string, value: unknown, itemWriter?: ItemWriter): void {
  writeAtomicWith(path, (temporary) => {
    const fd = openSync(temporary, "w");
    try {
      writeJsonParts(
        value,
        (part) => {
          const bytes = typeof part === "string" ? Buffer.from(part) : part;
          for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
        },
        itemWriter,
      );
    } finally {
      closeSync(fd);
    }
  });
}

/** Writes the array items it claims as toJson would, without building their text as one string. */
export interface ItemWriter {
  claims(element: unknown): boolean;
  write(element: unknown, indent: string, write: (part: Uint8Array) => void): void;
}

/**
 * toJson(value) as a sequence of parts (see writeJsonAtomic): text, or UTF-8 bytes that are only valid until `write`
 * returns (a buffer the next part is written into).
 */
export function writeJsonParts(
  value: unknown,
  write: (part: string | Uint8Array) => void,
  itemWriter?: ItemWriter,
): void {
  const splittable =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
  const entries = splittable ? Object.entries(value).filter(([, item]) => isJsonValue(item)) : [];
  const split = entries.some(([, item]) => Array.isArray(item) && item.length > 0 && !isPlainArray(item));
  if (!split) {
    write(toJson(value));
    return;
  }
  write("{\n");
  entries.forEach(([key, item], at) => {
    write(`${at === 0 ? "" : ",\n"}  ${JSON.stringify(key)}: `);
    if (!Array.isArray(item)) {
      write(format(normalised(item), "  "));
      return;
    }
    const items = item.map((element) => (isJsonValue(element) ? element : null));
    const inline = (element: unknown) => {
      if (itemWriter?.claims(element)) return false;
      const json = normalised(element);
      return isPlain(json) || isPlainArray(json);
    };
    if (items.every(inline)) {
      write(format(normalised(items), "  "));
      return;
    }
    write("[\n");
    for (const [i, element] of items.entries()) {
      write(`${i === 0 ? "" : ",\n"}    `);
      if (itemWriter?.claims(element)) itemWriter.write(element, "    ", write);
      else write(format(normalised(element), "    "));
    }
    write("\n  ]");
  });
  write("\n}\n");
}

/** What JSON.stringify writes for `value`, read back (toJSON applied). */
function normalised(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Whether JSON.stringify keeps `value` as an object's entry (it drops undefined, functions and symbols). */
function isJsonValue(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

/** Reads a JSON artifact and parses it with its schema; a missing file or a mismatch is an "artifact" error. */
export function readJson<S extends z.ZodType>(path: string, schema: S): Result<z.infer<S>> {
  const read = readJsonFile(path, schema);
  if (read.ok) return ok(read.value);
  const message =
    read.error.kind === "missing"
      ? "missing; run the stage that writes it first"
      : read.error.message.slice(`${path}: `.length);
  return err<MlError>({ kind: "artifact", file: path, message });
}
