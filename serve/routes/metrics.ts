// GET /metrics: the Prometheus text exposition of the server's registry.
import type { Router } from "@koa/router";
import type { ServeState } from "../http/state.js";
import type { ServeMetrics } from "../observability/metrics.js";

export function metricsRoutes(router: Router<ServeState>, metrics: ServeMetrics): void {
  router.get("/metrics", async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}
