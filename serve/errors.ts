// What a client gets back when a request cannot be answered: a code from this closed list, a message a person can
// act on, and where the problem is (`field`, `row`). One middleware (http/error-handler.ts) turns these into
// responses; nothing else writes error bodies.
import { unreachable } from "../src/result.js";

export type ErrorCode =
  | "invalid_json"
  | "invalid_body"
  | "missing_feature"
  | "null_not_allowed"
  | "unknown_feature"
  | "wrong_type"
  | "not_finite"
  | "not_an_integer"
  | "out_of_range"
  | "unseen_category"
  | "invalid_date"
  | "too_many_rows"
  | "body_too_large"
  | "unsupported_media_type"
  | "request_timeout"
  | "method_not_allowed"
  | "not_found"
  | "unknown_model"
  | "unknown_request_id"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "not_ready"
  | "timeout"
  | "shutting_down"
  | "reload_failed"
  | "internal";

export interface ApiError {
  code: ErrorCode;
  message: string;
  field?: string;
  row?: number;
}

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case "invalid_json":
    case "invalid_body":
    case "missing_feature":
    case "null_not_allowed":
    case "unknown_feature":
    case "wrong_type":
    case "not_finite":
    case "not_an_integer":
    case "out_of_range":
    case "unseen_category":
    case "invalid_date":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
    case "unknown_model":
    case "unknown_request_id":
      return 404;
    case "method_not_allowed":
      return 405;
    case "request_timeout":
      return 408;
    case "too_many_rows":
    case "body_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "reload_failed":
      return 422;
    case "rate_limited":
      return 429;
    case "internal":
      return 500;
    case "not_ready":
    case "timeout":
    case "shutting_down":
      return 503;
    default:
      return unreachable(code);
  }
}

/** Thrown inside middleware and routes; the error handler is the only place that catches it. */
export class ApiFailure extends Error {
  readonly error: ApiError;
  readonly headers: Record<string, string>;

  constructor(error: ApiError, headers: Record<string, string> = {}) {
    super(error.message);
    this.name = "ApiFailure";
    this.error = error;
    this.headers = headers;
  }
}

export function fail(code: ErrorCode, message: string, where: { field?: string; row?: number } = {}): never {
  throw new ApiFailure({ code, message, ...where });
}
