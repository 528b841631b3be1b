// POST /admin/reload (admin key): reload the model now, as SIGHUP does. 200 with the model now serving (and whether
// it changed), or 422 when the new model was refused; the old one keeps serving either way.

import type { Router } from "@koa/router";
import { unreachable } from "../../src/result.js";
import { fail } from "../errors.js";
import type { ServeState } from "../http/state.js";
import type { ModelHolder } from "../model/model-holder.js";

export function adminRoutes(router: Router<ServeState>, models: ModelHolder): void {
  router.post("/admin/reload", async (ctx) => {
    const outcome = await models.reload("admin");
    switch (outcome.result) {
      case "success":
      case "unchanged": {
        const { name, version } = outcome.model.manifest;
        const previous = outcome.result === "success" ? outcome.previous?.manifest.version : version;
        ctx.body = {
          reloaded: outcome.result === "success",
          model: { name, version },
          previous: previous ?? null,
        };
        return;
      }
      case "failure": {
        const serving = outcome.serving?.manifest.version;
        return fail(
          "reload_failed",
          `the new model was refused (${outcome.error.kind}): ${outcome.error.message}; ${serving ? `still serving ${serving}` : "no model is serving"}`,
        );
      }
      default:
        return unreachable(outcome);
    }
  });
}
