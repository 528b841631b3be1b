// `${key}` in pipeline.yaml, DVC's syntax: `key` is dotted (`dataset.path`, `layers.0`, `layers[0]`) and looked up
// in the stage's own values (`item`, `key` of a foreach or matrix stage) first, then in the vars (params.yaml and
// the files and mappings `vars:` lists). `\${` is a literal `${`.
import { err, ok, type ReproError, type Result } from "../errors.js";
import { lookupParam } from "./params.js";
import type { YamlSource } from "./yaml-source.js";

const REFERENCE = /(\\)?\$\{([^}]*)\}/g;
const KEY = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*$/;

/** A key looked up for interpolation, and where its top-level key came from (a params file, or pipeline.yaml). */
export interface UsedVar {
  key: string;
  file: string;
}

/** Values `${...}` can see, innermost scope first. */
export interface Scope {
  /** Top-level key → its value, for each scope. */
  layers: readonly Readonly<Record<string, unknown>>[];
  /** Top-level key → the file it came from (keys of the outer vars only). */
  origin: ReadonlyMap<string, string>;
}

/** A `${...}` that does not resolve: the reference as written, and why. */
export interface UnresolvedReference {
  reference: string;
  message: string;
}

export type Interpolated<T> = Result<{ value: T; used: UsedVar[] }, UnresolvedReference>;

/** The pipeline error for an unresolved reference in stage `stage`, at `path` of pipeline.yaml. */
export function unresolvedAt(
  source: YamlSource,
  path: (string | number)[],
  stage: string,
  unresolved: UnresolvedReference,
): ReproError {
  return {
    kind: "invalid-pipeline",
    at: source.locateIn(path, unresolved.reference),
    stage,
    message: unresolved.message,
  };
}

/** Whether `text` holds a `${...}` to resolve. */
export function hasReference(text: string): boolean {
  return text.includes("${");
}

/** `text` with every `${key}` replaced by the key's (scalar) value. */
export function interpolate(text: string, scope: Scope): Interpolated<string> {
  const used: UsedVar[] = [];
  let failure: { reference: string; message: string } | undefined;
  const value = text.replace(REFERENCE, (reference, escaped: string | undefined, inner: string) => {
    if (escaped) return reference.slice(1);
    if (failure) return reference;
    const found = lookup(inner, scope);
    if (!found.ok) {
      failure = { reference, message: found.error };
      return reference;
    }
    const scalar = scalarText(found.value.value);
    if (scalar === undefined) {
      failure = {
        reference,
        message: `${reference} is ${describe(found.value.value)}; only strings, numbers and booleans can be interpolated`,
      };
      return reference;
    }
    if (found.value.used) used.push(found.value.used);
    return scalar;
  });
  return failure ? err(failure) : ok({ value, used });
}

/** A value written as exactly `${key}` (foreach, matrix): the key's value as it is, a list or mapping included. */
export function resolveWhole(value: unknown, scope: Scope): Interpolated<unknown> {
  if (typeof value !== "string") return ok({ value, used: [] });
  const whole = /^\$\{([^}]*)\}$/.exec(value.trim());
  if (!whole) return interpolate(value, scope);
  const found = lookup(whole[1] ?? "", scope);
  if (!found.ok) return err({ reference: value.trim(), message: found.error });
  return ok({ value: found.value.value, used: found.value.used ? [found.value.used] : [] });
}

function lookup(inner: string, scope: Scope): Result<{ value: unknown; used?: UsedVar }, string> {
  const key = inner.trim();
  if (!KEY.test(key)) return err(`\${${inner}} is not a key like \${dataset.path}`);
  const dotted = key.replace(/\[(\d+)\]/g, ".$1");
  const top = dotted.split(".")[0] as string;
  const layers = scope.layers.filter((layer) => Object.hasOwn(layer, top));
  const layer = layers[0];
  if (!layer) {
    const known = [...new Set(scope.layers.flatMap((candidate) => Object.keys(candidate)))];
    return err(`\${${key}}: no "${top}" in ${sources(scope)}; known: ${known.join(", ") || "none"}`);
  }
  const found = lookupParam(layer, dotted);
  if (!found.found) {
    const parts = dotted.split(".");
    let depth = parts.length - 1;
    while (depth > 0 && !lookupParam(layer, parts.slice(0, depth).join(".")).found) depth--;
    const parent = parts.slice(0, depth).join(".");
    const siblings = lookupParam(layer, parent).value;
    const keys =
      siblings !== null && typeof siblings === "object" ? Object.keys(siblings).join(", ") || "none" : "none";
    return err(`\${${key}}: no "${dotted}"; "${parent}" has: ${keys}`);
  }
  const file = layer === scope.layers[scope.layers.length - 1] ? scope.origin.get(top) : undefined;
  return ok({ value: found.value, used: file ? { key: dotted, file } : undefined });
}

function sources(scope: Scope): string {
  const files = [...new Set(scope.origin.values())];
  return files.length > 0 ? files.join(" or ") : "params.yaml (there is none) or vars";
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}
