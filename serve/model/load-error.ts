// Why a model could not be loaded. Loading never throws: each step returns a LoadError value, and the caller (start
// up, hot reload) decides what to do with it: exit, or keep serving the old model.

export type LoadErrorKind =
  | "source_missing"
  | "aliases_invalid"
  | "alias_missing"
  | "manifest_missing"
  | "manifest_invalid"
  | "version_mismatch"
  | "onnx_missing"
  | "checksum_mismatch"
  | "session_failed"
  | "golden_mismatch";

export interface LoadError {
  kind: LoadErrorKind;
  message: string;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; error: LoadError };

export function loadError(kind: LoadErrorKind, message: string): { ok: false; error: LoadError } {
  return { ok: false, error: { kind, message } };
}

export function loaded<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
