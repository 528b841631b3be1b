// The server's life: assemble the parts, load and verify the model, listen; reload on SIGHUP; on SIGTERM become
// not-ready at once, stop accepting connections, let in-flight requests finish within the grace period, flush the
// prediction log, and exit 0.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, Server as NetServer } from "node:net";
import { err, ok, type Result, unreachable } from "../src/result.js";
import { createApp } from "./app.js";
import type { ServeConfig } from "./config.js";
import { Connections } from "./http/connections.js";
import { JwtVerifier, loadJwks } from "./http/jwt.js";
import { Keyring } from "./http/keyring.js";
import { Inference } from "./inference.js";
import type { LoadError } from "./model/load-error.js";
import { ModelHolder, type ReloadOutcome, type ReloadTrigger } from "./model/model-holder.js";
import { DropWarnings } from "./observability/drop-warnings.js";
import type { Logger } from "./observability/logger.js";
import { ServeMetrics } from "./observability/metrics.js";
import { logWriterPlace, PredictionLog } from "./prediction-log.js";
import { releaseFreedMemory } from "./release-memory.js";

const netClose = NetServer.prototype.close;
/** While draining, keep-alive connections quiet for this long are closed (see shutdown). */
const QUIET_CONNECTION_MS = 2000;

/** The project's version (package.json sits one level up from both serve/ and the bundle in dist/). */
function serverVersion(): string {
  try {
    return String(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
  } catch {
    return "unknown";
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  models: ModelHolder;
  /** The prediction log (SERVE_PREDICTION_LOG), open or not. */
  log: PredictionLog | undefined;
  /** Graceful shutdown; resolves when everything is flushed and closed. */
  shutdown(reason: string): Promise<void>;
}

/** A setting the environment gives that cannot be used (keys, JWT): the message names the variable. */
type SettingError = { kind: "config"; message: string };

export type StartError = SettingError | { kind: "model"; error: LoadError };

export async function startServer(
  config: ServeConfig,
  logger: Logger,
): Promise<Result<RunningServer, StartError>> {
  const keys = Keyring.load(
    "SERVE_API_KEYS",
    config.SERVE_API_KEYS,
    "SERVE_API_KEYS_FILE",
    config.SERVE_API_KEYS_FILE,
  );
  if (!keys.ok) return err({ kind: "config", message: keys.error.message });
  const adminKeys = Keyring.load(
    "SERVE_ADMIN_KEYS",
    config.SERVE_ADMIN_KEYS,
    "SERVE_ADMIN_KEYS_FILE",
    config.SERVE_ADMIN_KEYS_FILE,
  );
  if (!adminKeys.ok) return err({ kind: "config", message: adminKeys.error.message });
  const tokens = jwtVerifier(config);
  if (!tokens.ok) return tokens;

  let closing = false;
  let models: ModelHolder | undefined;
  let log: PredictionLog | undefined;
  const metrics = new ServeMetrics(
    () => models?.current?.drift,
    () => log?.pendingRows ?? 0,
  );

  const onReload = (trigger: ReloadTrigger, outcome: ReloadOutcome) => {
    metrics.reloads.inc({ trigger, result: outcome.result });
    switch (outcome.result) {
      case "success": {
        const { manifest } = outcome.model;
        metrics.setModel(manifest);
        metrics.modelReady.set(closing ? 0 : 1);
        logger.info(
          {
            trigger,
            name: manifest.name,
            version: manifest.version,
            previous: outcome.previous?.manifest.version,
            golden: outcome.model.golden,
            compiled: outcome.model.compiled,
          },
          "model serving",
        );
        if (!outcome.model.compiled.used)
          logger.warn(
            { version: manifest.version, reason: outcome.model.compiled.reason },
            "compiled trees refused; onnxruntime serves every request",
          );
        releaseFreedMemory();
        return;
      }
      case "unchanged":
        logger.info({ trigger, version: outcome.model.manifest.version }, "model unchanged");
        return;
      case "failure":
        logger.error(
          { trigger, kind: outcome.error.kind, serving: outcome.serving?.manifest.version ?? null },
          `model refused: ${outcome.error.message}`,
        );
        return;
      default:
        return unreachable(outcome);
    }
  };

  const holder = new ModelHolder(
    config.SERVE_MODEL,
    config.SERVE_MODEL_ALIAS,
    {
      workers: config.SERVE_INFERENCE_WORKERS,
      sharedThread: config.SERVE_SHARED_THREAD,
      intraOpThreads: config.SERVE_INTRA_OP_THREADS,
      interOpThreads: config.SERVE_INTER_OP_THREADS,
      maxBatchRows: config.SERVE_MAX_BATCH_ROWS,
      compiledMaxRows: config.SERVE_COMPILED_MAX_ROWS,
      policy: {
        rangeTolerance: config.SERVE_RANGE_TOLERANCE,
        outOfRange: config.SERVE_OUT_OF_RANGE,
        unseenCategory: config.SERVE_UNSEEN_CATEGORY,
      },
      driftWindow: config.SERVE_DRIFT_WINDOW,
      allowBreaking: config.SERVE_ALLOW_BREAKING,
    },
    {
      onReload,
      onRun: (rows, _requests, seconds) => {
        metrics.inferenceDuration.observe(seconds);
        metrics.batchRows.observe(rows);
      },
      onWorkerRestart: (reason) => {
        metrics.workerRestarts.inc();
        logger.error({ reason }, "inference thread lost; replaced");
      },
    },
  );
  models = holder;
  const first = await holder.reload("startup");
  if (first.result === "failure") return err({ kind: "model", error: first.error });

  // Opened once the model is known to be good, so that a server that cannot start writes nothing.
  if (config.SERVE_PREDICTION_LOG) {
    const dropWarnings = new DropWarnings(logger);
    log = new PredictionLog(
      {
        dataDir: config.SERVE_DATA_DIR,
        maxQueuedRows: config.SERVE_LOG_QUEUE_ROWS,
        flushMs: config.SERVE_LOG_FLUSH_MS,
        retentionDays: config.SERVE_LOG_RETENTION_DAYS,
        maxRequests: config.SERVE_LOG_MAX_REQUESTS,
        maxFeatureRows: config.SERVE_LOG_MAX_FEATURE_ROWS,
        maintenanceMs: config.SERVE_LOG_MAINTENANCE_S * 1000,
        writer: logWriterPlace(config.SERVE_LOG_WRITER, config.SERVE_SHARED_THREAD),
        threadNice: config.SERVE_LOG_THREAD_NICE,
      },
      {
        onDropped: (rows, reason) => {
          metrics.logDropped.inc({ reason }, rows);
          dropWarnings.dropped(rows, reason);
        },
        onWritten: (rows) => metrics.logWritten.inc(rows),
        onError: (message) => logger.error({ file: log?.file }, message),
      },
    );
    const opened = await log.start();
    if (opened.ok) logger.info({ file: log.file, writer: log.writer }, "prediction log open");
    else
      logger.error(
        { file: log.file },
        `prediction log unavailable, serving without it: ${opened.error.message}`,
      );
  }

  const app = createApp({
    config,
    models: holder,
    inference: new Inference(metrics, log),
    metrics,
    logger,
    log,
    keys: keys.value,
    adminKeys: adminKeys.value,
    tokens: tokens.value,
    serverVersion: serverVersion(),
    ready: () => !closing && holder.current !== undefined,
    closing: () => closing,
  });
  const server = createServer(app.listener);
  const connections = new Connections(server);
  server.requestTimeout = config.SERVE_REQUEST_TIMEOUT_MS + 5_000;
  server.headersTimeout = Math.min(60_000, server.requestTimeout);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.SERVE_PORT, config.SERVE_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  holder.watchAlias(config.SERVE_ALIAS_POLL_MS);

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      closing = true;
      metrics.modelReady.set(0);
      logger.info({ reason, grace_ms: config.SERVE_GRACE_MS }, "shutting down: not ready, draining");
      // Stop accepting connections, but not with http.Server#close, which also drops idle keep-alive connections
      // at once: a client may be sending its next request on one right now. Instead every response from here on
      // says `Connection: close` (request-context.ts), so busy connections end after their current request, and
      // connections that stay quiet for a while are closed.
      const drained = new Promise<void>((resolve) => netClose.call(server, () => resolve()));
      const quietMs = Math.min(QUIET_CONNECTION_MS, config.SERVE_GRACE_MS / 4);
      const idleSweep = setInterval(() => connections.closeQuiet(quietMs), 100);
      const graceOver = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), config.SERVE_GRACE_MS).unref(),
      );
      const result = await Promise.race([drained.then(() => "drained" as const), graceOver]);
      clearInterval(idleSweep);
      if (result === "timeout") {
        logger.warn("grace period over; closing the remaining connections");
        server.closeAllConnections();
      }
      // Past the grace period an inference could still be pending on a socket already closed: do not wait forever.
      await Promise.race([holder.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await log?.close();
      logger.info({ result }, "shut down");
      logger.flush();
    })();
    return shuttingDown;
  };

  logger.info(
    { url, model: holder.current?.manifest.version, workers: config.SERVE_INFERENCE_WORKERS },
    "listening",
  );
  return ok({ server, url, models: holder, log, shutdown });
}

/** The JWT verifier SERVE_JWT_* configure, or undefined when SERVE_JWT_JWKS is unset. */
function jwtVerifier(config: ServeConfig): Result<JwtVerifier | undefined, SettingError> {
  if (config.SERVE_JWT_JWKS === undefined) return ok(undefined);
  const missing = (["SERVE_JWT_ISSUER", "SERVE_JWT_AUDIENCE"] as const).filter((name) => !config[name]);
  if (missing.length > 0)
    return err({ kind: "config", message: `SERVE_JWT_JWKS is set, so ${missing.join(" and ")} must be too` });
  const keys = loadJwks(config.SERVE_JWT_JWKS);
  if (!keys.ok) return err({ kind: "config", message: keys.error.message });
  const settings = {
    issuer: config.SERVE_JWT_ISSUER as string,
    audience: config.SERVE_JWT_AUDIENCE as string,
    jwks: config.SERVE_JWT_JWKS,
    clockSkewSeconds: config.SERVE_JWT_CLOCK_SKEW_S,
    algorithms: config.SERVE_JWT_ALGORITHMS.split(","),
  };
  return ok(new JwtVerifier(settings, keys.value));
}
