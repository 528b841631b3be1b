// Authentication by API key (`Authorization: Bearer <key>` or `x-api-key: <key>`). Routes fall in three groups by
// path: operations (health, readiness, metrics: open unless SERVE_PROTECT_OPS), admin (/admin/*: admin keys only),
// and the API (everything else: any API key, when keys are configured).
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";
import type { Keyring } from "./keyring.js";
import type { ServeState } from "./state.js";

export type RouteGroup = "ops" | "admin" | "api";

export function routeGroup(path: string): RouteGroup {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics" || path.startsWith("/v2/health/"))
    return "ops";
  if (path === "/admin" || path.startsWith("/admin/")) return "admin";
  return "api";
}

function presentedKey(authorization: string, apiKey: string): string | undefined {
  if (apiKey) return apiKey;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

const CHALLENGE = { "www-authenticate": 'Bearer realm="tabula"' };

export function authenticate(keys: Keyring, adminKeys: Keyring, protectOps: boolean): Middleware<ServeState> {
  return async (ctx, next) => {
    const group = routeGroup(ctx.path);
    const key = presentedKey(ctx.get("authorization"), ctx.get("x-api-key"));
    ctx.state.identity = ctx.ip;
    if (group === "admin") {
      if (!adminKeys.enabled)
        throw new ApiFailure({
          code: "forbidden",
          message: "the admin API is off: set SERVE_ADMIN_KEYS or SERVE_ADMIN_KEYS_FILE",
        });
      const name = key === undefined ? undefined : adminKeys.verify(key);
      if (name === undefined)
        throw new ApiFailure(
          {
            code: "unauthorized",
            message: "an admin key is required (Authorization: Bearer <key> or x-api-key)",
          },
          CHALLENGE,
        );
      ctx.state.identity = name;
    } else if (keys.enabled && (group === "api" || protectOps)) {
      const name = key === undefined ? undefined : keys.verify(key);
      if (name === undefined)
        throw new ApiFailure(
          {
            code: "unauthorized",
            message:
              key === undefined
                ? "an API key is required (Authorization: Bearer <key> or x-api-key)"
                : "the API key is not valid",
          },
          CHALLENGE,
        );
      ctx.state.identity = name;
    }
    await next();
  };
}
