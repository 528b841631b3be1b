// How a failure becomes a response, for the Koa app (error-handler.ts) and the lean /predict listener alike. An
// ApiFailure carries its code, message, field and row; an error another layer threw with a 4xx status keeps its
// status; anything else is a bug, logged with its stack on the server and answered with a 500 that names only the
// request id. Open Inference Protocol routes (/v2) answer with the protocol's own error shape, {"error": "<message>"}.
import { type ApiError, ApiFailure, type ErrorCode, statusOf } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";

const INPUT_ERRORS = new Set<ErrorCode>([
  "invalid_json",
  "invalid_body",
  "missing_feature",
  "null_not_allowed",
  "unknown_feature",
  "wrong_type",
  "not_finite",
  "not_an_integer",
  "out_of_range",
  "unseen_category",
  "invalid_date",
  "too_many_rows",
  "body_too_large",
  "unsupported_media_type",
]);

export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 404:
      return "not_found";
    case 405:
    case 501:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "body_too_large";
    case 415:
      return "unsupported_media_type";
    default:
      return status >= 500 ? "internal" : "invalid_body";
  }
}

export interface Failure {
  error: ApiError;
  /** Headers the answer carries (Retry-After, WWW-Authenticate, Connection). */
  headers: Record<string, string>;
}

/** The failure `thrown` stands for. */
export function failureOf(thrown: unknown, requestId: string, logger: Logger): Failure {
  if (thrown instanceof ApiFailure) return { error: thrown.error, headers: thrown.headers };
  const status = (thrown as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500)
    return { error: { code: codeForStatus(status), message: (thrown as Error).message }, headers: {} };
  logger.error({ req_id: requestId, err: thrown }, "unexpected error");
  return { error: { code: "internal", message: `internal error (request id ${requestId})` }, headers: {} };
}

function isModelInput(path: string): boolean {
  return path === "/predict" || path.endsWith("/infer");
}

/** The status and body that answer `error` on `path` (counting the model's input errors). */
export function errorAnswer(
  error: ApiError,
  path: string,
  metrics: ServeMetrics,
): { status: number; body: object } {
  if (INPUT_ERRORS.has(error.code) && isModelInput(path)) metrics.inputErrors.inc({ reason: error.code });
  const status = statusOf(error.code);
  if (path === "/v2" || path.startsWith("/v2/"))
    return {
      status,
      body: { error: error.row !== undefined ? `row ${error.row}: ${error.message}` : error.message },
    };
  return { status, body: { error } };
}
