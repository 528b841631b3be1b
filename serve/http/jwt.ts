// Bearer JSON Web Tokens from an identity provider, verified with `jose`: signature (RS256 or ES256 by default) by
// a key of a JWKS chosen by the token's `kid`, issuer, audience, expiry and not-before with a clock-skew allowance.
// Key rotation: a remote JWKS (https URL) is refetched when a token names a kid it does not hold (with jose's
// cooldown); a JWKS file is re-read when it changed on disk. Scopes come from `scope` (space-separated, RFC 8693)
// or `scp` (a list).
import { readFileSync, statSync } from "node:fs";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { err, ok, type Result } from "../../src/result.js";

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** A JWKS file path, or an http(s) URL serving one. */
  jwks: string;
  clockSkewSeconds: number;
  algorithms: string[];
}

export interface VerifiedToken {
  subject: string;
  scopes: Set<string>;
}

export type TokenRejection = { kind: "token-invalid"; reason: string };

export type JwksError =
  | { kind: "jwks-url-invalid"; message: string }
  | { kind: "jwks-unreadable"; message: string }
  | { kind: "jwks-empty"; message: string }
  | { kind: "jwks-invalid"; message: string };

type LocalJwks = ReturnType<typeof createLocalJWKSet>;

/** A JWT looks like three base64url segments; anything else presented as Bearer is an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

export function loadJwks(source: string): Result<JWTVerifyGetKey, JwksError> {
  if (/^https?:\/\//.test(source)) {
    try {
      return ok(createRemoteJWKSet(new URL(source), { cooldownDuration: 30_000 }));
    } catch (error) {
      return err({
        kind: "jwks-url-invalid",
        message: `SERVE_JWT_JWKS=${source}: ${(error as Error).message}`,
      });
    }
  }
  const read = readJwksFile(source);
  if (!read.ok) return read;
  let current = read.value;
  let mtime = statSync(source).mtimeMs;
  // On a kid the file does not hold, re-read it if it changed since: the new key of a rotation.
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await current(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const now = statSync(source, { throwIfNoEntry: false })?.mtimeMs;
      if (now === undefined || now === mtime) throw error;
      const again = readJwksFile(source);
      if (!again.ok) throw error;
      current = again.value;
      mtime = now;
      return current(header, token);
    }
  };
  return ok(keys);
}

function readJwksFile(path: string): Result<LocalJwks, JwksError> {
  let parsed: JSONWebKeySet;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as JSONWebKeySet;
  } catch (error) {
    return err({ kind: "jwks-unreadable", message: `SERVE_JWT_JWKS=${path}: ${(error as Error).message}` });
  }
  if (!Array.isArray(parsed?.keys) || parsed.keys.length === 0)
    return err({
      kind: "jwks-empty",
      message: `SERVE_JWT_JWKS=${path}: expected a JWKS, {"keys": [...]} with at least one key`,
    });
  try {
    return ok(createLocalJWKSet(parsed));
  } catch (error) {
    return err({ kind: "jwks-invalid", message: `SERVE_JWT_JWKS=${path}: ${(error as Error).message}` });
  }
}

export class JwtVerifier {
  constructor(
    private readonly settings: JwtSettings,
    private readonly keys: JWTVerifyGetKey,
  ) {}

  async verify(token: string): Promise<Result<VerifiedToken, TokenRejection>> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockSkewSeconds,
        algorithms: this.settings.algorithms,
        requiredClaims: ["exp", "sub"],
      });
      return ok({ subject: payload.sub as string, scopes: scopesOf(payload) });
    } catch (error) {
      return err({ kind: "token-invalid", reason: rejectionReason(error) });
    }
  }
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scope = payload.scope;
  const scp = payload.scp;
  const list = typeof scope === "string" ? scope.split(" ") : Array.isArray(scp) ? scp.map(String) : [];
  return new Set(list.filter(Boolean));
}

/** A short reason for the client (RFC 6750 error_description), never the token itself. */
function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `claim "${error.claim}" is not valid: ${error.reason}`;
  if (error instanceof errors.JWKSNoMatchingKey) return "no key of the JWKS matches the token's kid";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not allowed";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError)
    return (error as Error).message;
  return "the token is malformed";
}
