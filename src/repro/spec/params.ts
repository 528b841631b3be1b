import { PARAMS_FILE } from "./stage.js";

/** Looks up a dotted key (`tune.trials`, `layers.0`) in parsed params. */
export function lookupParam(data: unknown, key: string): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const part of key.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(part) && Number(part) < current.length) {
      current = current[Number(part)];
    } else if (
      current !== null &&
      typeof current === "object" &&
      !Array.isArray(current) &&
      part in current
    ) {
      current = (current as Record<string, unknown>)[part];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: current };
}

/** The parsed params files a pipeline reads, loaded up front (see workspace.ts). */
export class ParamsFiles {
  /** file → parsed content; null when the file does not exist. */
  constructor(private readonly files: ReadonlyMap<string, { data: unknown } | null>) {}

  /** The parsed content of `file`, null if it does not exist, undefined if it was not loaded. */
  read(file: string): { data: unknown } | null | undefined {
    return this.files.get(file);
  }
}

/** `"key"` addresses params.yaml; `"file.yaml:key"` another params file. */
export function parseOverrideKey(spec: string): { file: string; key: string } {
  const colon = spec.indexOf(":");
  return colon > 0
    ? { file: spec.slice(0, colon), key: spec.slice(colon + 1) }
    : { file: PARAMS_FILE, key: spec };
}
