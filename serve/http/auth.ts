// Authentication by API key (`Authorization: Bearer <key>` or `x-api-key: <key>`) or by a JWT bearer token from an
// identity provider (serve/http/jwt.ts, when SERVE_JWT_JWKS is set). Routes fall in three groups by path:
// operations (health, readiness, metrics: open unless SERVE_PROTECT_OPS), admin (/admin/*: admin keys, or a token
// with scope "admin"), and the API (everything else: any API key, or a token with scope "predict", or "feedback"
// for /feedback, when keys or tokens are configured).
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";
import { type JwtVerifier, looksLikeJwt } from "./jwt.js";
import type { Keyring } from "./keyring.js";
import type { ServeState } from "./state.js";

export type RouteGroup = "ops" | "admin" | "api";

export function routeGroup(path: string): RouteGroup {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics" || path.startsWith("/v2/health/"))
    return "ops";
  if (path === "/admin" || path.startsWith("/admin/")) return "admin";
  return "api";
}

export type Scope = "predict" | "feedback" | "admin";

/** The scope a token needs for `path`; undefined for the operations routes. */
export function routeScope(path: string): Scope | undefined {
  const group = routeGroup(path);
  if (group === "ops") return undefined;
  if (group === "admin") return "admin";
  return path === "/feedback" ? "feedback" : "predict";
}

function presentedKey(authorization: string, apiKey: string): string | undefined {
  if (apiKey) return apiKey;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

const CHALLENGE = { "www-authenticate": 'Bearer realm="tabula"' };

/** RFC 6750's challenge for a rejected token; the description is ours (quotes removed), never the token. */
function tokenChallenge(error: "invalid_token" | "insufficient_scope", description: string) {
  return {
    "www-authenticate": `Bearer realm="tabula", error="${error}", error_description="${description.replaceAll('"', "'")}"`,
  };
}

export function authenticate(
  keys: Keyring,
  adminKeys: Keyring,
  protectOps: boolean,
  tokens?: JwtVerifier,
): Middleware<ServeState> {
  return async (ctx, next) => {
    const group = routeGroup(ctx.path);
    const key = presentedKey(ctx.get("authorization"), ctx.get("x-api-key"));
    ctx.state.identity = ctx.ip;
    if (tokens !== undefined && key !== undefined && looksLikeJwt(key)) {
      const verified = await tokens.verify(key);
      if (!verified.ok)
        throw new ApiFailure(
          { code: "unauthorized", message: `the bearer token is not valid: ${verified.error.reason}` },
          tokenChallenge("invalid_token", verified.error.reason),
        );
      const needed = routeScope(ctx.path);
      if (needed !== undefined && !verified.value.scopes.has(needed))
        throw new ApiFailure(
          { code: "forbidden", message: `the token lacks scope "${needed}" for ${ctx.path}` },
          tokenChallenge("insufficient_scope", `scope "${needed}" required`),
        );
      ctx.state.identity = `jwt:${verified.value.subject}`;
      await next();
      return;
    }
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
    } else if ((keys.enabled || tokens !== undefined) && (group === "api" || protectOps)) {
      const name = key === undefined ? undefined : keys.verify(key);
      if (name === undefined)
        throw new ApiFailure(
          {
            code: "unauthorized",
            message:
              key === undefined
                ? `an API key${tokens ? " or token" : ""} is required (Authorization: Bearer <key> or x-api-key)`
                : "the API key is not valid",
          },
          CHALLENGE,
        );
      ctx.state.identity = name;
    }
    await next();
  };
}
