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

/**
 * Who is calling `path`, or an ApiFailure thrown (401, 403). Synchronous unless a JWT must be verified. Both the Koa
 * app and the lean /predict listener ask it.
 */
export class Authenticator {
  constructor(
    private readonly keys: Keyring,
    private readonly adminKeys: Keyring,
    private readonly protectOps: boolean,
    private readonly tokens?: JwtVerifier,
  ) {}

  /** The caller's identity: the key's name, `jwt:<subject>`, or the client `address` when no key is needed. */
  identify(
    path: string,
    authorization: string | undefined,
    apiKey: string | undefined,
    address: string,
  ): string | Promise<string> {
    const { keys, adminKeys, tokens } = this;
    const key = presentedKey(authorization ?? "", apiKey ?? "");
    if (tokens !== undefined && key !== undefined && looksLikeJwt(key))
      return this.verifyToken(tokens, path, key);
    const group = routeGroup(path);
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
      return name;
    }
    if ((keys.enabled || tokens !== undefined) && (group === "api" || this.protectOps)) {
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
      return name;
    }
    return address;
  }

  private async verifyToken(tokens: JwtVerifier, path: string, token: string): Promise<string> {
    const verified = await tokens.verify(token);
    if (!verified.ok)
      throw new ApiFailure(
        { code: "unauthorized", message: `the bearer token is not valid: ${verified.error.reason}` },
        tokenChallenge("invalid_token", verified.error.reason),
      );
    const needed = routeScope(path);
    if (needed !== undefined && !verified.value.scopes.has(needed))
      throw new ApiFailure(
        { code: "forbidden", message: `the token lacks scope "${needed}" for ${path}` },
        tokenChallenge("insufficient_scope", `scope "${needed}" required`),
      );
    return `jwt:${verified.value.subject}`;
  }
}

export function authenticate(authenticator: Authenticator): Middleware<ServeState> {
  return async (ctx, next) => {
    const { headers } = ctx.req;
    ctx.state.identity = await authenticator.identify(
      ctx.path,
      headers.authorization,
      headers["x-api-key"] as string | undefined, // Node joins repeated headers other than set-cookie
      ctx.ip,
    );
    await next();
  };
}
