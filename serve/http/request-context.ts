// The outermost middleware: gives each request its id (a sane `x-request-id` from the client is kept, otherwise a
// new UUID; returned either way), then, once the response is decided, records it: http_requests_total,
// http_request_duration_seconds (labelled with the route template, never the raw path) and one access log line.
import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";
import type { ServeState } from "./state.js";

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function requestContext(
  metrics: ServeMetrics,
  logger: Logger,
  options: { accessLog: boolean; closing: () => boolean },
): Middleware<ServeState> {
  return async (ctx, next) => {
    const startedAt = process.hrtime.bigint();
    const given = ctx.get("x-request-id");
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.startedAt = startedAt;
    ctx.set("x-request-id", requestId);
    try {
      await next();
    } finally {
      // While draining for shutdown, ask keep-alive clients to reconnect elsewhere.
      if (options.closing()) ctx.set("connection", "close");
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? "unmatched";
      const method = METHODS.has(ctx.method) ? ctx.method : "OTHER";
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      metrics.httpRequests.inc({ method, route, status: ctx.status });
      metrics.httpDuration.observe({ method, route }, seconds);
      if (options.accessLog)
        logger.info(
          {
            req_id: requestId,
            method: ctx.method,
            path: ctx.path,
            route,
            status: ctx.status,
            ms: seconds * 1000,
          },
          "request",
        );
    }
  };
}
