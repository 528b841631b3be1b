import { type Result as BaseResult, err, ok } from "../result.js";

// What can go wrong in the registry, as values: the CLI turns them into a message and an exit code.
export type RegistryError =
  | { kind: "not-found"; message: string }
  | { kind: "ambiguous"; message: string }
  | { kind: "corrupt"; message: string }
  | { kind: "invalid-onnx"; message: string }
  | { kind: "golden-mismatch"; message: string }
  | { kind: "gate-refused"; message: string }
  | { kind: "breaking-change"; message: string }
  | { kind: "nothing-to-roll-back"; message: string }
  | { kind: "conflict"; message: string }
  | { kind: "locked"; message: string };

export type Result<T> = BaseResult<T, RegistryError>;
export { ok };
export const registryError = (kind: RegistryError["kind"], message: string): Result<never> =>
  err({ kind, message });
