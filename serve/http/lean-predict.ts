// POST /predict served straight from node:http: nearly every request is one, and Koa's generic layers (a context
// and its delegates per request, a middleware chain of promises, header bookkeeping through setHeader) cost more
// than the prediction itself. This listener does exactly what the Koa app does for it, by calling the same
// functions: request id, authentication, rate limit, deadline, JSON body with its limit (415, 413 with lingering
// close, 400), the prediction, the error answers and their JSON shape, security headers, `Connection: close` while
// draining, metrics and the access log. Every other request (another method or path, "/predict?…", "/predict/")
// goes to the Koa app unchanged, which serves /predict the same way too.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "../observability/logger.js";
import type { ServeMetrics } from "../observability/metrics.js";
import type { Predict } from "../routes/predict.js";
import type { Authenticator } from "./auth.js";
import { errorAnswer, failureOf } from "./error-response.js";
import { readJsonBody } from "./json-body.js";
import type { RateLimiter } from "./rate-limit.js";
import { requestIdFrom } from "./request-id.js";
import type { RequestRecorder } from "./request-recorder.js";
import { SECURITY_HEADERS } from "./security-headers.js";
import { withDeadline } from "./timeout.js";

const PATH = "/predict";
const UNMATCHED = "unmatched";
const JSON_TYPE = "application/json; charset=utf-8";
/** The headers of every answer after the request id, as writeHead takes them (name, value, name, value, …). */
const FIXED_HEADERS = [...Object.entries(SECURITY_HEADERS).flat(), "content-type", JSON_TYPE];

export interface LeanPredictParts {
  predict: Predict;
  authenticator: Authenticator;
  limiter: RateLimiter | undefined;
  bodyLimit: number;
  deadlineMs: number;
  recorder: RequestRecorder;
  metrics: ServeMetrics;
  logger: Logger;
  closing: () => boolean;
}

/** Serves POST /predict itself and hands every other request to `fallback` (the Koa app's callback). */
export function leanPredict(parts: LeanPredictParts, fallback: RequestListener): RequestListener {
  return (req, res) => {
    if (req.url === PATH && req.method === "POST")
      serve(parts, req, res).catch((error: unknown) => {
        // Only a bug gets here (every failure of the request itself is answered above): never a crash.
        parts.logger.error({ err: error }, "unexpected error after answering");
        res.destroy();
      });
    else fallback(req, res);
  };
}

async function serve(parts: LeanPredictParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const requestId = requestIdFrom(req.headers["x-request-id"]);
  let status = 200;
  // As in the Koa app, where the router runs after authentication and the rate limit: a request refused by them
  // has matched no route yet.
  let route = UNMATCHED;
  try {
    const { headers } = req;
    const identified = parts.authenticator.identify(
      PATH,
      headers.authorization,
      headers["x-api-key"] as string | undefined, // Node joins repeated headers other than set-cookie
      req.socket.remoteAddress ?? "",
    );
    const identity = typeof identified === "string" ? identified : await identified;
    parts.limiter?.check(PATH, identity);
    route = PATH;
    const json = await withDeadline(predictFrom(parts, req, requestId, startedAt), parts.deadlineMs);
    answer(res, 200, requestId, json, undefined, parts.closing());
  } catch (thrown) {
    const failure = failureOf(thrown, requestId, parts.logger);
    const answered = errorAnswer(failure.error, PATH, parts.metrics);
    status = answered.status;
    answer(res, status, requestId, JSON.stringify(answered.body), failure.headers, parts.closing());
  }
  parts.recorder.record("POST", route, PATH, status, requestId, startedAt);
}

async function predictFrom(
  parts: LeanPredictParts,
  req: IncomingMessage,
  requestId: string,
  startedAt: bigint,
): Promise<string> {
  const { raw, parsed } = await readJsonBody(req, parts.bodyLimit);
  return parts.predict({ body: parsed, rawBody: raw, requestId, startedAt });
}

/**
 * The headers of an answer without extra ones, filled in per answer (the request id, the content length): writeHead
 * reads them into the header text at once and keeps no reference, so one array serves every answer (no array of 18
 * strings built and grown per request).
 */
const PLAIN_HEADERS = ["x-request-id", "", ...FIXED_HEADERS, "content-length", ""];
const LENGTH_AT = PLAIN_HEADERS.length - 1;

function answer(
  res: ServerResponse,
  status: number,
  requestId: string,
  json: string,
  extra: Record<string, string> | undefined,
  closing: boolean,
): void {
  if (!extra && !closing) {
    PLAIN_HEADERS[1] = requestId;
    PLAIN_HEADERS[LENGTH_AT] = String(Buffer.byteLength(json));
    res.writeHead(status, PLAIN_HEADERS);
    res.end(json);
    return;
  }
  const headers = ["x-request-id", requestId, ...FIXED_HEADERS];
  headers.push("content-length", String(Buffer.byteLength(json)));
  if (extra) for (const name in extra) headers.push(name, extra[name] as string);
  // While draining for shutdown, ask keep-alive clients to reconnect elsewhere.
  if (closing && extra?.connection === undefined) headers.push("connection", "close");
  res.writeHead(status, headers);
  res.end(json);
}
