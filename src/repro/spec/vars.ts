import { err, type Location, ok, type Result } from "../errors.js";
import { normalizeDeclaredPath } from "../paths.js";
import type { Scope } from "./interpolate.js";
import { lookupParam } from "./params.js";
import { PARAMS_FILE, PIPELINE_FILE } from "./stage.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

/** A file's text, or null when it does not exist. */
export type ReadText = (file: string) => string | null;

/** The vars `${...}` sees everywhere in pipeline.yaml, and the files they were read from. */
export interface Vars {
  scope: Scope;
  /** Files read (params.yaml even when absent), so a cached resolution can be checked against them. */
  files: string[];
}

/**
 * params.yaml (when it exists), then each entry of the top-level `vars:` in order: a file (`other.yaml`), some
 * top-level keys of a file (`other.yaml:train,data`), or a mapping written inline. A key defined twice is an
 * error, as in DVC: which one `${key}` meant would depend on the order of the list.
 */
export function loadVars(entries: readonly unknown[], source: YamlSource, readText: ReadText): Result<Vars> {
  const values: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  const files: string[] = [PARAMS_FILE];
  const add = (data: Record<string, unknown>, from: string, at: Location): Result<void> => {
    for (const [key, value] of Object.entries(data)) {
      const before = origin.get(key);
      if (before !== undefined) {
        return err({
          kind: "invalid-pipeline",
          at,
          message: `vars: "${key}" is defined in both ${before} and ${from}`,
        });
      }
      values[key] = value;
      origin.set(key, from);
    }
    return ok(undefined);
  };

  const listsParams = entries.some(
    (entry) => typeof entry === "string" && entry.split(":")[0] === PARAMS_FILE,
  );
  if (!listsParams) {
    const text = readText(PARAMS_FILE);
    if (text !== null) {
      const data = parseMapping(text, PARAMS_FILE);
      if (!data.ok) return data;
      const added = add(data.value, PARAMS_FILE, source.locate(["vars"]));
      if (!added.ok) return added;
    }
  }
  for (const [index, entry] of entries.entries()) {
    const at = source.locate(["vars", index]);
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      const added = add(entry as Record<string, unknown>, PIPELINE_FILE, at);
      if (!added.ok) return added;
      continue;
    }
    if (typeof entry !== "string") {
      return err({
        kind: "invalid-pipeline",
        at,
        message: "each vars entry must be a params file (other.yaml, other.yaml:key1,key2) or a mapping",
      });
    }
    const [path = "", keyList] = entry.split(":", 2);
    const normalized = normalizeDeclaredPath(path);
    if ("reason" in normalized) {
      return err({ kind: "invalid-pipeline", at, message: `vars file "${path}" ${normalized.reason}` });
    }
    const file = normalized.path;
    files.push(file);
    const text = readText(file);
    if (text === null)
      return err({ kind: "invalid-pipeline", at, message: `vars file "${file}" does not exist` });
    const data = parseMapping(text, file);
    if (!data.ok) return data;
    let selected = data.value;
    if (keyList !== undefined) {
      selected = {};
      for (const key of keyList.split(",").map((part) => part.trim())) {
        const found = lookupParam(data.value, key);
        if (!found.found || key.includes(".")) {
          return err({
            kind: "invalid-pipeline",
            at,
            message: `vars: "${file}" has no top-level key "${key}"; it has: ${Object.keys(data.value).join(", ")}`,
          });
        }
        selected[key] = found.value;
      }
    }
    const added = add(selected, file, at);
    if (!added.ok) return added;
  }
  return ok({ scope: { layers: [values], origin }, files });
}

function parseMapping(text: string, file: string): Result<Record<string, unknown>> {
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) return parsed;
  const { data } = parsed.value;
  if (data === null || data === undefined) return ok({});
  if (typeof data !== "object" || Array.isArray(data)) {
    return err({
      kind: "invalid-params",
      at: parsed.value.locate([]),
      message: `${file} must be a mapping of keys to values`,
    });
  }
  return ok(data as Record<string, unknown>);
}
