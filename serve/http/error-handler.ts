// The one place where failures become responses. An ApiFailure carries its code, message, field and row; a status
// the router or Koa set without a body (404, 405) gets the same JSON shape; anything else is a bug, logged with its
// stack on the server and answered with a 500 that names only the request id. Open Inference Protocol routes (/v2)
// answer with the protocol's own error shape, {"error": "<message>"}.
import type { Middleware } from "koa";
import { type ApiError, ApiFailure, type ErrorCode, statusOf } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";
import type { ServeState } from "./state.js";

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

function codeForStatus(status: number): ErrorCode {
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

function isModelInput(path: string): boolean {
  return path === "/predict" || path.endsWith("/infer");
}

export function errorHandler(metrics: ServeMetrics, logger: Logger): Middleware<ServeState> {
  return async (ctx, next) => {
    let error: ApiError | undefined;
    let headers: Record<string, string> = {};
    try {
      await next();
      if ((ctx.status === 404 || ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const code = codeForStatus(ctx.status);
        error = {
          code,
          message:
            code === "not_found"
              ? `no route ${ctx.method} ${ctx.path}`
              : `${ctx.method} is not allowed on ${ctx.path}${ctx.response.get("allow") ? ` (allowed: ${ctx.response.get("allow")})` : ""}`,
        };
      }
    } catch (thrown) {
      if (thrown instanceof ApiFailure) {
        error = thrown.error;
        headers = thrown.headers;
      } else {
        const status = (thrown as { status?: unknown }).status;
        if (typeof status === "number" && status >= 400 && status < 500) {
          error = { code: codeForStatus(status), message: (thrown as Error).message };
        } else {
          logger.error({ req_id: ctx.state.requestId, err: thrown }, "unexpected error");
          error = { code: "internal", message: `internal error (request id ${ctx.state.requestId})` };
        }
      }
    }
    if (!error) return;
    if (INPUT_ERRORS.has(error.code) && isModelInput(ctx.path))
      metrics.inputErrors.inc({ reason: error.code });
    ctx.status = statusOf(error.code);
    ctx.set(headers);
    if (ctx.path === "/v2" || ctx.path.startsWith("/v2/")) {
      ctx.body = { error: error.row !== undefined ? `row ${error.row}: ${error.message}` : error.message };
    } else {
      ctx.body = { error };
    }
  };
}
