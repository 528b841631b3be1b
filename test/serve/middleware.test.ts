// The middleware stack in a bare Koa app on a real socket: the deadline, a streamed body past the limit, the access
// log line with the request id, security headers, and a bug answered as a 500 without its stack.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import Koa from "koa";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { errorHandler } from "../../serve/http/error-handler.js";
import { jsonBody } from "../../serve/http/json-body.js";
import { requestContext } from "../../serve/http/request-context.js";
import { RequestRecorder } from "../../serve/http/request-recorder.js";
import { securityHeaders } from "../../serve/http/security-headers.js";
import type { ServeState } from "../../serve/http/state.js";
import { timeout } from "../../serve/http/timeout.js";
import { ServeMetrics } from "../../serve/observability/metrics.js";
import { request } from "./support/harness.js";

const lines: string[] = [];
let server: Server;
let url: string;

test.before(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split("\n"));
      done();
    },
  });
  const logger = pino({ level: "info" }, sink);
  const metrics = new ServeMetrics(
    () => undefined,
    () => 0,
  );
  const app = new Koa<ServeState>();
  app.silent = true;
  app.use(
    requestContext(new RequestRecorder(metrics, logger, { accessLog: true }), { closing: () => false }),
  );
  app.use(errorHandler(metrics, logger));
  app.use(securityHeaders());
  app.use(timeout(100));
  app.use(async (ctx, next) => {
    if (ctx.path === "/slow") await new Promise((resolve) => setTimeout(resolve, 1000));
    if (ctx.path === "/bug") throw new Error("secret internals");
    if (ctx.path === "/echo")
      return jsonBody(1000)(ctx, async () => {
        ctx.body = { got: ctx.state.body };
      });
    ctx.body = { ok: true };
    await next();
  });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("past the deadline: 503 with Retry-After, in the error shape", async () => {
  const started = performance.now();
  const response = await request(`${url}/slow`);
  assert.ok(performance.now() - started < 900, "answered at the deadline, not when the work ended");
  assert.is(response.status, 503);
  assert.equal(response.body, {
    error: { code: "timeout", message: "no answer within 100 ms; the server is overloaded, retry later" },
  });
  assert.is(response.headers.get("retry-after"), "1");
});

test("a streamed body past the limit is refused with 413 before it ends", async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${url}/echo`,
      { method: "POST", headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.write(`{"pad": "${"x".repeat(2000)}`); // chunked: no Content-Length to check up front
  });
  assert.is(status, 413);
  const small = await request(`${url}/echo`, { body: { a: 1 } });
  assert.equal(small.body, { got: { a: 1 } });
});

test("a bug is a 500 naming the request id, with no stack or internals", async () => {
  const response = await request(`${url}/bug`, { headers: { "x-request-id": "trace-me" } });
  assert.is(response.status, 500);
  assert.equal(response.body, {
    error: { code: "internal", message: "internal error (request id trace-me)" },
  });
  assert.not.match(response.text, /secret|at /);
  assert.ok(lines.some((line) => line.includes('"req_id":"trace-me"') && line.includes("secret internals")));
});

test("security headers, and one access log line per request with its id", async () => {
  const response = await request(`${url}/anything`, { headers: { "x-request-id": "line-1" } });
  for (const header of [
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "cache-control",
  ])
    assert.ok(response.headers.get(header), header);
  const line = lines
    .map((text) => JSON.parse(text))
    .find((entry) => entry.req_id === "line-1" && entry.msg === "request");
  assert.ok(line, "access log line");
  assert.is(line.status, 200);
  assert.is(line.path, "/anything");
  assert.type(line.ms, "number");
});

test("a sampled access log records one request in 1/sample, and every error", async () => {
  const sampled: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      sampled.push(...String(chunk).trim().split("\n"));
      done();
    },
  });
  const app = new Koa<ServeState>();
  app.use(
    requestContext(
      new RequestRecorder(
        new ServeMetrics(
          () => undefined,
          () => 0,
        ),
        pino({ level: "info" }, sink),
        { accessLog: true, accessLogSample: 0.25 },
      ),
      { closing: () => false },
    ),
  );
  app.use(async (ctx) => {
    if (ctx.path === "/missing") ctx.status = 404;
    else ctx.body = { ok: true };
  });
  const sampledServer = createServer(app.callback());
  await new Promise<void>((resolve) => sampledServer.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(sampledServer.address() as AddressInfo).port}`;
  for (let i = 0; i < 8; i++) await request(`${base}/ok`);
  await request(`${base}/missing`);
  await new Promise<void>((resolve) => sampledServer.close(() => resolve()));
  const statuses = sampled
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === "request")
    .map((entry) => entry.status);
  assert.equal(statuses, [200, 200, 404]);
});

test.run();
