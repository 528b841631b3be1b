// The Koa app's outermost middleware: gives each request its id (request-id.ts) and, once the response is decided,
// records it (request-recorder.ts). While draining for shutdown, every answer says `Connection: close`.
import type { Middleware } from "koa";
import { requestIdFrom } from "./request-id.js";
import type { RequestRecorder } from "./request-recorder.js";
import type { ServeState } from "./state.js";

export function requestContext(
  recorder: RequestRecorder,
  options: { closing: () => boolean },
): Middleware<ServeState> {
  return async (ctx, next) => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdFrom(ctx.req.headers["x-request-id"]);
    ctx.state.requestId = requestId;
    ctx.state.startedAt = startedAt;
    ctx.set("x-request-id", requestId);
    try {
      await next();
    } finally {
      if (options.closing()) ctx.set("connection", "close");
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? "unmatched";
      recorder.record(ctx.method, route, ctx.path, ctx.status, requestId, startedAt);
    }
  };
}
