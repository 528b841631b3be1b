// The HTTP application: POST /predict on a lean node:http listener (http/lean-predict.ts), everything else on a Koa
// app, a small stack of middleware, outermost first, then the routes:
//   request context (id, metrics, access log) → errors to JSON → security headers → API keys/JWT → rate limit →
//   deadline → routes (each POST route parses its JSON body with the size limit)
// Both paths call the same functions for each of these steps, so they answer alike.
import type { RequestListener } from "node:http";
import { Router } from "@koa/router";
import Koa from "koa";
import type { ServeConfig } from "./config.js";
import { Authenticator, authenticate } from "./http/auth.js";
import { errorHandler } from "./http/error-handler.js";
import { jsonBody } from "./http/json-body.js";
import type { JwtVerifier } from "./http/jwt.js";
import type { Keyring } from "./http/keyring.js";
import { leanPredict } from "./http/lean-predict.js";
import { RateLimiter, rateLimit } from "./http/rate-limit.js";
import { requestContext } from "./http/request-context.js";
import { RequestRecorder } from "./http/request-recorder.js";
import { securityHeaders } from "./http/security-headers.js";
import type { ServeState } from "./http/state.js";
import { timeout } from "./http/timeout.js";
import type { Inference } from "./inference.js";
import type { ModelHolder } from "./model/model-holder.js";
import type { Logger } from "./observability/logger.js";
import type { ServeMetrics } from "./observability/metrics.js";
import type { PredictionLog } from "./prediction-log.js";
import { adminRoutes } from "./routes/admin.js";
import { feedbackRoutes } from "./routes/feedback.js";
import { healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import { modelRoutes } from "./routes/model.js";
import { oipRoutes } from "./routes/oip.js";
import { predictHandler, predictor, predictRoutes } from "./routes/predict.js";

export interface AppParts {
  config: ServeConfig;
  models: ModelHolder;
  inference: Inference;
  metrics: ServeMetrics;
  logger: Logger;
  log: PredictionLog | undefined;
  keys: Keyring;
  adminKeys: Keyring;
  /** JWT bearer tokens (SERVE_JWT_*), when configured. */
  tokens?: JwtVerifier | undefined;
  serverVersion: string;
  /** False while starting and from the moment shutdown begins. */
  ready: () => boolean;
  closing: () => boolean;
}

export interface App {
  /** The server's request listener: the lean /predict path, then the Koa app. */
  listener: RequestListener;
  koa: Koa<ServeState>;
}

export function createApp(parts: AppParts): App {
  const { config, models, inference, metrics, logger } = parts;
  const app = new Koa<ServeState>({ proxy: false });
  app.silent = true; // every error is answered and logged by errorHandler; Koa must not print its own
  app.on("error", (error: Error) => logger.debug({ err: error }, "connection error"));

  const recorder = new RequestRecorder(metrics, logger, {
    accessLog: config.SERVE_ACCESS_LOG,
    accessLogSample: config.SERVE_ACCESS_LOG_SAMPLE,
  });
  const authenticator = new Authenticator(
    parts.keys,
    parts.adminKeys,
    config.SERVE_PROTECT_OPS,
    parts.tokens,
  );
  const limiter =
    config.SERVE_RATE_LIMIT_RPS > 0
      ? new RateLimiter(
          config.SERVE_RATE_LIMIT_RPS,
          config.SERVE_RATE_LIMIT_BURST ?? Math.ceil(config.SERVE_RATE_LIMIT_RPS * 2),
        )
      : undefined;
  app.use(requestContext(recorder, { closing: parts.closing }));
  app.use(errorHandler(metrics, logger));
  app.use(securityHeaders());
  app.use(authenticate(authenticator));
  if (limiter) app.use(rateLimit(limiter));
  app.use(timeout(config.SERVE_REQUEST_TIMEOUT_MS));

  const router = new Router<ServeState>();
  const body = jsonBody(config.SERVE_BODY_LIMIT_BYTES);
  const maxRows = config.SERVE_MAX_ROWS;
  healthRoutes(router, models, { ready: parts.ready });
  metricsRoutes(router, metrics);
  modelRoutes(router, models);
  const predict = predictor(models, inference, { maxRows });
  predictRoutes(router, body, predictHandler(predict));
  oipRoutes(
    router,
    models,
    inference,
    { maxRows, serverVersion: parts.serverVersion, ready: parts.ready },
    body,
  );
  feedbackRoutes(router, parts.log, metrics, body, config.SERVE_FEEDBACK_WINDOW);
  adminRoutes(router, models);
  app.use(router.routes());
  app.use(router.allowedMethods());
  const listener = leanPredict(
    {
      predict,
      authenticator,
      limiter,
      bodyLimit: config.SERVE_BODY_LIMIT_BYTES,
      deadlineMs: config.SERVE_REQUEST_TIMEOUT_MS,
      recorder,
      metrics,
      logger,
      closing: parts.closing,
    },
    app.callback(),
  );
  return { listener, koa: app };
}
