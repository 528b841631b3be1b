// The Koa app's one place where failures become responses (error-response.ts says how); a status the router or Koa
// set without a body (404, 405) gets the same JSON shape.
import type { Middleware } from "koa";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";
import { codeForStatus, errorAnswer, type Failure, failureOf } from "./error-response.js";
import type { ServeState } from "./state.js";

export function errorHandler(metrics: ServeMetrics, logger: Logger): Middleware<ServeState> {
  return async (ctx, next) => {
    let failure: Failure | undefined;
    try {
      await next();
      if ((ctx.status === 404 || ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const code = codeForStatus(ctx.status);
        const allow = ctx.response.get("allow");
        failure = {
          error: {
            code,
            message:
              code === "not_found"
                ? `no route ${ctx.method} ${ctx.path}`
                : `${ctx.method} is not allowed on ${ctx.path}${allow ? ` (allowed: ${allow})` : ""}`,
          },
          headers: {},
        };
      }
    } catch (thrown) {
      failure = failureOf(thrown, ctx.state.requestId, logger);
    }
    if (!failure) return;
    const { status, body } = errorAnswer(failure.error, ctx.path, metrics);
    ctx.status = status;
    ctx.set(failure.headers);
    ctx.body = body;
  };
}
