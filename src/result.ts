// Errors are values: a function that can fail for a reason the user can act on returns a Result, and each area
// (engine, ML stages, registry, server) names its own error union with a `kind` to switch on exhaustively.
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** The default of a switch that covers every case: a new case added to the union fails the typecheck here. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
