// GET /healthz: the process is alive. GET /readyz: a verified model (warmed up, golden predictions reproduced)
// serves and the server is not shutting down; 503 otherwise.
import type { Router } from "@koa/router";
import { fail } from "../errors.js";
import type { ServeState } from "../http/state.js";
import type { ModelHolder } from "../model/model-holder.js";

export function healthRoutes(
  router: Router<ServeState>,
  models: ModelHolder,
  options: { ready: () => boolean },
): void {
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });

  router.get("/readyz", (ctx) => {
    const model = models.current;
    if (!options.ready() || !model) {
      ctx.set("retry-after", "1");
      fail("not_ready", model ? "the server is shutting down" : "no verified model is loaded yet");
    }
    const { name, version } = model.manifest;
    ctx.body = { status: "ready", model: { name, version }, golden: model.golden };
  });
}
