// JWT bearer tokens against a real server: keys generated here (RS256 and ES256), a JWKS file and a JWKS URL; issuer,
// audience and expiry with the clock-skew allowance; per-route scopes; key rotation by kid without a restart; API
// keys keep working beside tokens.

import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildRegressionPackage } from "./support/fixtures.js";
import { runChildToExit, startInProcess, tempDir } from "./support/harness.js";

const ISSUER = "https://id.example.test/";
const AUDIENCE = "tabula-api";
const API_KEY = "a-plain-api-key-of-some-length";
const temp = tempDir("jwt");
const pkg = await buildRegressionPackage(join(temp.dir, "package"));
const features = pkg.manifest.golden[0]?.features;

async function keyPair(alg: "RS256" | "ES256" | "RS512", kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { alg, kid, privateKey, jwk };
}
type Key = Awaited<ReturnType<typeof keyPair>>;

const rsa = await keyPair("RS256", "rsa-1");
const ec = await keyPair("ES256", "ec-1");
const rotated = await keyPair("RS256", "rsa-2");
const stranger = await keyPair("RS256", "rsa-1"); // the known kid, another key
const unlisted = await keyPair("RS512", "rsa-1"); // an algorithm SERVE_JWT_ALGORITHMS does not list

const jwksFile = join(temp.dir, "jwks.json");
const writeJwks = (keys: Key[]) =>
  writeFileSync(jwksFile, JSON.stringify({ keys: keys.map((key) => key.jwk) }));
writeJwks([rsa, ec]);

function token(
  key: Key,
  claims: { scope?: string; iss?: string; aud?: string; exp?: number; alg?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: claims.scope ?? "predict" })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject("analyst@example.test")
    .setIssuedAt(now - 60)
    .setExpirationTime(claims.exp ?? now + 300)
    .sign(key.privateKey);
}

const JWT_ENV = { SERVE_JWT_ISSUER: ISSUER, SERVE_JWT_AUDIENCE: AUDIENCE, SERVE_JWT_CLOCK_SKEW_S: "30" };
let server: RunningServer;
test.before(async () => {
  server = await startInProcess({
    ...JWT_ENV,
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: join(temp.dir, "data"),
    SERVE_JWT_JWKS: jwksFile,
    SERVE_API_KEYS: API_KEY,
  });
});
test.after(async () => {
  await server?.shutdown("test");
  temp.remove();
});

async function call(path: string, auth: string | undefined, body: unknown = { features }, url = server.url) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { error?: { code: string; message: string } };
  return { status: response.status, challenge: response.headers.get("www-authenticate") ?? "", json };
}

test("RS256 and ES256 tokens with scope predict may predict", async () => {
  assert.is((await call("/predict", await token(rsa))).status, 200);
  assert.is((await call("/predict", await token(ec))).status, 200);
});

test("expiry: within the clock-skew allowance accepted, beyond it refused as expired", async () => {
  const now = Math.floor(Date.now() / 1000);
  assert.is((await call("/predict", await token(rsa, { exp: now - 10 }))).status, 200);
  const late = await call("/predict", await token(rsa, { exp: now - 120 }));
  assert.is(late.status, 401);
  assert.match(late.json.error?.message ?? "", "the token has expired");
  assert.match(late.challenge, 'error="invalid_token"');
});

test("another issuer, another audience, an unlisted algorithm, a forged signature: 401 saying which", async () => {
  const cases: [string, Promise<string>, string][] = [
    ["issuer", token(rsa, { iss: "https://evil.example.test/" }), 'claim "iss"'],
    ["audience", token(rsa, { aud: "someone-else" }), 'claim "aud"'],
    ["algorithm", token(unlisted), "algorithm is not allowed"],
    ["signature", token(stranger), "signature does not verify"],
  ];
  for (const [what, pending, expected] of cases) {
    const answer = await call("/predict", await pending);
    assert.is(answer.status, 401, what);
    assert.match(answer.json.error?.message ?? "", expected, what);
  }
});

test("scopes per route: predict, feedback, admin; 403 insufficient_scope names the one missing", async () => {
  const predictOnly = await token(rsa, { scope: "predict" });
  const feedback = await call("/feedback", predictOnly, { id: "x", actual: 1 });
  assert.is(feedback.status, 403);
  assert.match(feedback.json.error?.message ?? "", 'lacks scope "feedback"');
  assert.match(feedback.challenge, 'error="insufficient_scope"');
  assert.is((await call("/admin/reload", predictOnly, {})).status, 403);
  assert.is((await call("/predict", await token(rsa, { scope: "feedback admin" }))).status, 403);
  const admin = await call("/admin/reload", await token(ec, { scope: "admin" }), {});
  assert.is(admin.status, 200, JSON.stringify(admin.json));
  assert.not.equal(
    (await call("/feedback", await token(rsa, { scope: "feedback" }), { id: "x", actual: 1 })).status,
    403,
  );
});

test("key rotation: a new kid in the JWKS file is accepted without a restart", async () => {
  const fresh = await token(rotated);
  assert.is((await call("/predict", fresh)).status, 401, "not in the JWKS yet");
  await new Promise((resolve) => setTimeout(resolve, 20)); // a distinct mtime
  writeJwks([rsa, ec, rotated]);
  assert.is((await call("/predict", fresh)).status, 200);
});

test("API keys keep working beside tokens; no credentials at all is 401", async () => {
  assert.is((await call("/predict", API_KEY)).status, 200);
  const none = await call("/predict", undefined);
  assert.is(none.status, 401);
  assert.match(none.json.error?.message ?? "", "an API key or token is required");
  assert.is((await call("/predict", "not-the-key-but-long-enough")).status, 401);
});

test("a JWKS served over HTTP, with two keys chosen by kid", async () => {
  const jwks = createServer((_, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ keys: [rsa.jwk, ec.jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const address = jwks.address() as { port: number };
  const remote = await startInProcess({
    ...JWT_ENV,
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: join(temp.dir, "data-remote"),
    SERVE_JWT_JWKS: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
  });
  try {
    assert.is((await call("/predict", await token(rsa), { features }, remote.url)).status, 200);
    assert.is((await call("/predict", await token(ec), { features }, remote.url)).status, 200);
    assert.is((await call("/predict", await token(rotated), { features }, remote.url)).status, 401);
  } finally {
    await remote.shutdown("test");
    jwks.close();
  }
});

test("SERVE_JWT_JWKS without an issuer or audience is a configuration error naming them", async () => {
  const run = await runChildToExit({ SERVE_MODEL: pkg.dir, SERVE_JWT_JWKS: jwksFile });
  assert.is(run.code, 2, run.output);
  assert.match(run.output, "SERVE_JWT_JWKS is set, so SERVE_JWT_ISSUER and SERVE_JWT_AUDIENCE must be too");
});

test.run();
