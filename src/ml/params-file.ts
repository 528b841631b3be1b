// params.yaml as a located document: values parsed with zod, and every error mapped back to the file, line and
// key it came from. Each stage validates only the sections it reads (other areas own other sections).
import { readFileSync } from "node:fs";
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { err, type MlError, ok, type Result } from "./errors.js";

export type KeyPath = (string | number)[];

export class ParamsFile {
  private constructor(
    readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): Result<ParamsFile> {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return err({ kind: "params", file, line: 0, key: "", message: "cannot read the file" });
    }
    return ParamsFile.parse(file, text);
  }

  static parse(file: string, text: string): Result<ParamsFile> {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const [syntax] = document.errors;
    if (syntax) {
      const line = syntax.linePos?.[0].line ?? lines.linePos(syntax.pos[0]).line;
      return err({
        kind: "params",
        file,
        line,
        key: "",
        message: `invalid YAML: ${firstLine(syntax.message)}`,
      });
    }
    return ok(new ParamsFile(file, document, lines));
  }

  /** The plain value at `path` (undefined when absent). */
  get(path: KeyPath): unknown {
    const node = this.document.getIn(path, true);
    if (node === undefined) return undefined;
    return isNode(node) ? node.toJSON() : node;
  }

  /** Parses the value at `path` with `schema`; the first issue becomes an error naming its line and key. */
  section<S extends z.ZodType>(path: KeyPath, schema: S): Result<z.infer<S>> {
    return this.check(path, schema, this.get(path));
  }

  /** Parses `value` (which came from `path`, possibly transformed) with `schema`, locating errors under `path`. */
  check<S extends z.ZodType>(path: KeyPath, schema: S, value: unknown): Result<z.infer<S>> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return ok(parsed.data);
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const issuePath = [...path, ...(issue.path as KeyPath)];
    if (issue.code === "unrecognized_keys") {
      const key = issue.keys[0] as string;
      return err(
        this.error([...issuePath, key], `unknown key "${key}"${suggestion(key, knownKeys(schema, issue))}`),
      );
    }
    const message = value === undefined && issue.path.length === 0 ? "missing" : issue.message;
    return err(this.error(issuePath, message));
  }

  /** An error located at `path` (or at its nearest existing ancestor). */
  error(path: KeyPath, message: string): MlError {
    return { kind: "params", file: this.file, line: this.lineOf(path), key: keyName(path), message };
  }

  lineOf(path: KeyPath): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const prefix = path.slice(0, depth);
      // The key itself is the most useful place to point at when the path names a map entry.
      const parent = prefix.length === 0 ? undefined : this.document.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix.at(-1));
        const key = pair?.key;
        const range = isNode(key) ? key.range : undefined;
        if (range) return this.lines.linePos(range[0]).line;
      }
      const node = prefix.length === 0 ? this.document.contents : this.document.getIn(prefix, true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }
}

export function keyName(path: KeyPath): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function knownKeys(schema: z.ZodType, issue: z.core.$ZodIssue): string[] {
  let current: unknown = schema;
  for (const part of issue.path) {
    const shape = shapeOf(current);
    current = shape ? shape[part as string] : undefined;
    const element = (current as { element?: unknown } | undefined)?.element;
    if (typeof part === "number" && element) current = element;
  }
  const shape = shapeOf(current);
  return shape ? Object.keys(shape) : [];
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown } | undefined;
  for (let i = 0; i < 4 && current && !current.shape && typeof current.unwrap === "function"; i++)
    current = current.unwrap() as typeof current;
  return current?.shape;
}

/** ` (did you mean "x"?)` when a known name is within a small edit distance of `name`, else "". */
export function suggestion(name: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? "" : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
