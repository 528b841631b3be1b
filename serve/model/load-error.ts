// Why a model could not be loaded. Loading never throws: each step returns a LoadError value, and the caller (start
// up, hot reload) decides what to do with it: exit, or keep serving the old model.
import { err, ok, type Result } from "../../src/result.js";

export type LoadErrorKind =
  | "source-missing"
  | "aliases-invalid"
  | "alias-missing"
  | "manifest-missing"
  | "manifest-invalid"
  | "version-mismatch"
  | "onnx-missing"
  | "checksum-mismatch"
  | "session-failed"
  | "golden-mismatch"
  | "breaking-change";

export interface LoadError {
  kind: LoadErrorKind;
  message: string;
}

export type Loaded<T> = Result<T, LoadError>;

export function loadError(kind: LoadErrorKind, message: string): Result<never, LoadError> {
  return err({ kind, message });
}

export function loaded<T>(value: T): Result<T, never> {
  return ok(value);
}
