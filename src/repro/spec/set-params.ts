import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  stringify,
} from "yaml";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { canonicalJson } from "../canonical-json.js";
import { err, ok, type Result } from "../errors.js";
import { parseOverrideKey } from "./params.js";
import { parseYamlSource } from "./yaml-source.js";

/**
 * Writes parameter overrides into the params files, as `exp run --set-param` would: stage commands read the params
 * files themselves, so an override has to be on disk to take effect. Keys: `"train.lr"` (params.yaml) or
 * `"other.yaml:train.lr"`. Returns the files changed.
 *
 * Only the text of the values set changes (a one-line diff per value): re-serializing the document instead would
 * realign comments, respace flow sequences and respell numbers (`1.0e-4` → `1e-4`) all over the file.
 */
export function setParams(root: string, overrides: Record<string, unknown>): Result<string[]> {
  const texts = overriddenTexts(root, overrides);
  if (!texts.ok) return texts;
  for (const [file, text] of texts.value) writeFileAtomic(join(root, file), text);
  return ok([...texts.value.keys()]);
}

/** The new text of each params file the overrides change (what `setParams` writes, and `repro --dry` reads). */
export function overriddenTexts(
  root: string,
  overrides: Record<string, unknown>,
): Result<Map<string, string>> {
  const byFile = new Map<string, [string, unknown][]>();
  for (const [spec, value] of Object.entries(overrides)) {
    const { file, key } = parseOverrideKey(spec);
    byFile.set(file, [...(byFile.get(file) ?? []), [key, value]]);
  }
  const changed = new Map<string, string>();
  for (const [file, entries] of byFile) {
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch (error) {
      return err({ kind: "io", path: file, message: `cannot override params: ${(error as Error).message}` });
    }
    const parsed = parseYamlSource(text, file);
    if (!parsed.ok) return parsed;
    const { doc } = parsed.value;
    const paths: [(string | number)[], unknown][] = [];
    for (const [key, value] of entries) {
      const parts = key.split(".");
      const path = parts.map((part, index) =>
        isSeq(doc.getIn(parts.slice(0, index))) && /^\d+$/.test(part) ? Number(part) : part,
      );
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      if (parent !== null && parent !== undefined && !isMap(parent) && !isSeq(parent)) {
        return err({ kind: "usage", message: `cannot set "${key}" in ${file}: its parent is not a mapping` });
      }
      paths.push([path, value]);
    }
    const updated = file.endsWith(".json")
      ? `${JSON.stringify(withValues(doc, paths).toJS(), null, 2)}\n`
      : (editInPlace(text, doc, paths) ?? withValues(doc, paths).toString({ lineWidth: 0 }));
    if (updated !== text) changed.set(file, updated);
  }
  return ok(changed);
}

function withValues(doc: Document, paths: [(string | number)[], unknown][]): Document {
  for (const [path, value] of paths) doc.setIn(path, value);
  return doc;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * The text with each value replaced where it is written (or, for a key that is new, added as the last entry of its
 * mapping); undefined when some value cannot be edited that way (its old value is a block collection or block
 * scalar, or its parent is missing) or when the result would not read back as intended.
 */
function editInPlace(
  text: string,
  doc: Document,
  paths: [(string | number)[], unknown][],
): string | undefined {
  const edits: Edit[] = [];
  for (const [path, value] of paths) {
    const node = doc.getIn(path, true);
    if (node !== undefined) {
      if (canonicalJson(valueAt(doc, path)) === canonicalJson(value)) continue;
      const edit = replaceValue(text, doc, path, node, value);
      if (!edit) return undefined;
      edits.push(edit);
    } else {
      const edit = appendKey(text, doc, path, value);
      if (!edit) return undefined;
      edits.push(edit);
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const [index, edit] of edits.entries()) {
    const next = edits[index + 1];
    if (next && next.end > edit.start) return undefined;
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  const reread = parseDocument(result, { uniqueKeys: true });
  if (reread.errors.length > 0) return undefined;
  for (const [path, value] of paths) {
    if (canonicalJson(valueAt(reread, path)) !== canonicalJson(value)) return undefined;
  }
  return result;
}

function valueAt(doc: Document, path: (string | number)[]): unknown {
  const value = doc.getIn(path);
  return isNode(value) ? value.toJSON() : value;
}

function replaceValue(
  text: string,
  doc: Document,
  path: (string | number)[],
  node: unknown,
  value: unknown,
): Edit | undefined {
  if (isScalar(node) && node.range) {
    if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) return undefined;
    const inline = inlineText(value, node.type);
    return inline === undefined ? undefined : keepCommentColumn(text, node.range[0], node.range[1], inline);
  }
  if (!(isMap(node) || isSeq(node)) || !node.range) return undefined;
  const inline = inlineText(value, undefined);
  if (inline === undefined) return undefined;
  if (node.flow) {
    // A flow collection's range may run past its closing bracket (trailing spaces, a comment).
    const source = text.slice(node.range[0], node.range[1]);
    const close = Math.max(source.lastIndexOf("]"), source.lastIndexOf("}"));
    return close < 0 ? undefined : keepCommentColumn(text, node.range[0], node.range[0] + close + 1, inline);
  }
  // A block collection becomes a flow one right after its key's colon, unless a comment sits between them.
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const pair = isMap(parent) ? parent.items.find((item) => item.value === node) : undefined;
  const keyEnd = pair && isScalar(pair.key) ? pair.key.range?.[1] : undefined;
  if (keyEnd === undefined) return undefined;
  const colon = text.indexOf(":", keyEnd);
  if (colon < 0) return undefined;
  let end = node.range[1];
  while (end > node.range[0] && /\s/.test(text[end - 1] ?? "")) end--;
  // A comment after the key, or a line too long to read: the collection stays a block, one flow line per entry.
  const commented = text.slice(colon + 1, node.range[0]).includes("#");
  const keyLineStart = text.lastIndexOf("\n", colon) + 1;
  if (commented || colon + 2 + inline.length - keyLineStart > MAX_LINE) {
    const lineStart = text.lastIndexOf("\n", node.range[0] - 1) + 1;
    const indent = text.slice(lineStart, node.range[0]);
    const block = /^ *$/.test(indent) ? blockText(value, indent) : undefined;
    if (block !== undefined) return { start: node.range[0], end, text: block };
    if (commented) return undefined;
  }
  return { start: colon + 1, end, text: ` ${inline}` };
}

const MAX_LINE = 120;

/** A non-empty sequence or mapping as block lines (each entry's value in flow style), the first line unindented. */
function blockText(value: unknown, indent: string): string | undefined {
  const entries: [string | undefined, unknown][] = Array.isArray(value)
    ? value.map((item): [undefined, unknown] => [undefined, item])
    : typeof value === "object" && value !== null
      ? Object.entries(value)
      : [];
  if (entries.length === 0) return undefined;
  const lines: string[] = [];
  for (const [key, item] of entries) {
    const itemText = inlineText(item, undefined);
    const keyText = key === undefined ? undefined : inlineText(key, undefined);
    if (itemText === undefined || (key !== undefined && keyText === undefined)) return undefined;
    lines.push(key === undefined ? `- ${itemText}` : `${keyText}: ${itemText}`);
  }
  return lines.join(`\n${indent}`);
}

/** Replaces start..end with `replacement`, moving a comment that follows on the line back to its column. */
function keepCommentColumn(text: string, start: number, end: number, replacement: string): Edit {
  const spaces = /^ +(?=#)/.exec(text.slice(end))?.[0].length ?? 0;
  if (spaces === 0) return { start, end, text: replacement };
  const padding = Math.max(1, spaces - (replacement.length - (end - start)));
  return { start, end: end + spaces, text: replacement + " ".repeat(padding) };
}

/** A new key as the last line of its (block) mapping, indented like its siblings. */
function appendKey(text: string, doc: Document, path: (string | number)[], value: unknown): Edit | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  if (!isMap(parent) || parent.flow || typeof key !== "string") return undefined;
  const first = parent.items[0];
  const last = parent.items[parent.items.length - 1];
  if (!isPair(first) || !isPair(last) || !isScalar(first.key) || !first.key.range) return undefined;
  const lastNode = (
    isScalar(last.value) || isMap(last.value) || isSeq(last.value) ? last.value : last.key
  ) as {
    range?: [number, number, number] | null;
  };
  if (!lastNode.range) return undefined;
  const lineStart = text.lastIndexOf("\n", first.key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, first.key.range[0]);
  if (indent.trim() !== "") return undefined;
  const inline = inlineText(value, undefined);
  const keyText = inlineText(key, undefined);
  if (inline === undefined || keyText === undefined) return undefined;
  let end = lastNode.range[1];
  while (end > 0 && /\s/.test(text[end - 1] ?? "")) end--;
  const newline = text.indexOf("\n", end);
  const at = newline < 0 ? text.length : newline;
  return { start: at, end: at, text: `\n${indent}${keyText}: ${inline}` };
}

/** A value as one line of YAML, quoted the way the old value was when it was a quoted string. */
function inlineText(value: unknown, style: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    if (style === Scalar.QUOTE_DOUBLE || value.includes("\n")) return JSON.stringify(value);
    if (style === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  }
  const text = stringify(value, {
    collectionStyle: "flow",
    flowCollectionPadding: false,
    lineWidth: 0,
  }).trimEnd();
  return text.includes("\n") ? undefined : text;
}
