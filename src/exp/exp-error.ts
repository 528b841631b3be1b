// Why an experiment command could not do what was asked: each a kind to switch on, with a message to show.
import { formatError, type ReproError } from "../repro/index.js";
import { unreachable } from "../result.js";

export type ExpError =
  /** No experiment (or queued one) by that name or id prefix. */
  | { kind: "not-found"; message: string }
  /** An id prefix that matches more than one. */
  | { kind: "ambiguous"; message: string }
  /** A --set-param no stage reads. */
  | { kind: "unread-param"; message: string }
  /** A --sort-by that names no column, or several. */
  | { kind: "sort-column"; message: string }
  /** The engine refused (pipeline, params, lock, a failed stage). */
  | { kind: "repro"; error: ReproError };

export function formatExpError(error: ExpError): string {
  switch (error.kind) {
    case "not-found":
    case "ambiguous":
    case "unread-param":
    case "sort-column":
      return error.message;
    case "repro":
      return formatError(error.error);
    default:
      return unreachable(error);
  }
}
