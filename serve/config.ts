// Every setting of the server comes from an environment variable, parsed once at start with this schema. A bad
// value is reported with the variable's name and the server does not start.
import { availableParallelism } from "node:os";
import { z } from "zod";
import { DEFAULT_POLICY } from "../src/artifact/contract-diff.js";
import { err, ok, type Result } from "../src/result.js";

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const number = (min: number) => {
  const error = `expected a number ≥ ${min}`;
  return z.coerce.number({ error }).min(min, { error });
};
const boolean = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");
const decision = z.enum(["accept", "reject"]);

const EnvSchema = z.object({
  SERVE_HOST: z.string().min(1).default("127.0.0.1"),
  SERVE_PORT: integer(0, 65535).default(8080),
  /** A package directory (manifest.json + model.onnx) or a registry model directory (aliases.json). */
  SERVE_MODEL: z.string().min(1).default("package"),
  SERVE_MODEL_ALIAS: z.string().min(1).default("production"),
  /** How often to check the registry alias for a change (0: never). */
  SERVE_ALIAS_POLL_MS: integer(0).default(2000),
  /** Whether a reload may serve a model whose API contract breaks the serving one's clients (see models diff). */
  SERVE_ALLOW_BREAKING: boolean.default(false),

  /** Inference threads (each a worker with its own onnxruntime session); 0 runs inference on the event loop. */
  SERVE_INFERENCE_WORKERS: integer(0, 64).default(Math.max(1, Math.min(2, availableParallelism() - 1))),
  /** With one inference thread: it also writes the prediction log (one V8 isolate and malloc arena fewer). */
  SERVE_SHARED_THREAD: boolean.default(true),
  SERVE_INTRA_OP_THREADS: integer(1, 64).default(1),
  SERVE_INTER_OP_THREADS: integer(1, 64).default(1),
  /** Dynamic batching: concurrent requests are coalesced into one run of at most this many rows. 0 turns it off. */
  SERVE_MAX_BATCH_ROWS: integer(0, 1_000_000).default(4096),
  /**
   * Requests of at most this many rows run on the model compiled to JavaScript, on the event loop, as one run (larger
   * ones in slices of this many when onnxruntime is not loaded, serve/README.md); 0: onnxruntime only. 128 by
   * default: with the complete-tree walk a 100-row request costs less CPU there than through the onnxruntime thread
   * (5.4–6.5 against 9.0–9.2 µs per row), and 128 rows hold the loop ≈ 0.2 ms (serve/README.md, "How it runs").
   */
  SERVE_COMPILED_MAX_ROWS: integer(0, 1_000_000).default(128),

  SERVE_MAX_ROWS: integer(1, 1_000_000).default(1000),
  SERVE_BODY_LIMIT_BYTES: integer(64).default(1024 * 1024),
  SERVE_REQUEST_TIMEOUT_MS: integer(1).default(10_000),
  SERVE_GRACE_MS: integer(0).default(10_000),

  /** Inputs outside [min - t·(max - min), max + t·(max - min)] of the training range count as out of range. */
  SERVE_RANGE_TOLERANCE: number(0).default(DEFAULT_POLICY.rangeTolerance),
  SERVE_OUT_OF_RANGE: decision.default(DEFAULT_POLICY.outOfRange),
  SERVE_UNSEEN_CATEGORY: decision.default(DEFAULT_POLICY.unseenCategory),

  /** Comma-separated API keys (plain text, e.g. from a Kubernetes Secret); hashed at start. */
  SERVE_API_KEYS: z.string().optional(),
  /** A file of `sha256:<hex> [name]` lines. */
  SERVE_API_KEYS_FILE: z.string().optional(),
  SERVE_ADMIN_KEYS: z.string().optional(),
  SERVE_ADMIN_KEYS_FILE: z.string().optional(),
  /** JWT bearer tokens: a JWKS file or http(s) URL; with it, SERVE_JWT_ISSUER and SERVE_JWT_AUDIENCE are required. */
  SERVE_JWT_JWKS: z.string().optional(),
  SERVE_JWT_ISSUER: z.string().optional(),
  SERVE_JWT_AUDIENCE: z.string().optional(),
  /** Seconds of clock difference allowed on exp and nbf. */
  SERVE_JWT_CLOCK_SKEW_S: integer(0, 600).default(30),
  /** Comma-separated JWS algorithms accepted. */
  SERVE_JWT_ALGORITHMS: z
    .string()
    .regex(/^[A-Z0-9]+(,[A-Z0-9]+)*$/)
    .default("RS256,ES256"),
  /** Whether /healthz, /readyz, /v2/health/* and /metrics need an API key too. */
  SERVE_PROTECT_OPS: boolean.default(false),

  /** Requests per second per API key (per client address without keys); 0 turns the limit off. */
  SERVE_RATE_LIMIT_RPS: number(0).default(0),
  SERVE_RATE_LIMIT_BURST: integer(0).optional(),

  /** Where the server writes (the prediction log); nothing else is written. */
  SERVE_DATA_DIR: z.string().min(1).default(".serve-data"),
  SERVE_PREDICTION_LOG: boolean.default(true),
  /**
   * Rows waiting for the log's writer (queued and being written); beyond it rows are dropped and counted. 10,000 is
   * half a second of single-row requests at full speed on 2 cores; the queue's memory grows with it (serve/README.md).
   */
  SERVE_LOG_QUEUE_ROWS: integer(1).default(10_000),
  SERVE_LOG_FLUSH_MS: integer(1).default(50),
  SERVE_LOG_RETENTION_DAYS: number(0).default(30),
  /** Logged requests to keep (one table row each, with all its predictions); 0: no limit. */
  SERVE_LOG_MAX_REQUESTS: integer(0).default(1_000_000),
  /**
   * Processed-feature rows to keep (the model's input, one per predicted row), by whole requests: a request is
   * removed once all its rows are older than the last this-many rows; 0: no limit.
   */
  SERVE_LOG_MAX_FEATURE_ROWS: integer(0).default(1_000_000),
  /** Seconds between enforcing the log's retention (and counting the predictions awaiting a true value). */
  SERVE_LOG_MAINTENANCE_S: number(0.01).default(60),
  /**
   * Linux: the nice value the prediction log's writer thread runs at (0–19; 0: as the event loop). The thread it
   * writes on is shared with inference by default (SERVE_SHARED_THREAD), which then runs at that priority too.
   */
  SERVE_LOG_THREAD_NICE: integer(0, 19).default(0),
  /**
   * Where the prediction log's writer runs: `auto` on the inference thread when there is one to share
   * (SERVE_SHARED_THREAD), else on the event loop (no V8 isolate of its own: serve/README.md, memory); `event-loop`;
   * `thread` (the shared inference thread, or one of its own).
   */
  SERVE_LOG_WRITER: z.enum(["auto", "event-loop", "thread"]).default("auto"),
  /** Labelled rows per model version that the live error metrics (model_live_*) are computed over. */
  SERVE_FEEDBACK_WINDOW: integer(1, 1_000_000).default(1000),

  /** Rows in the sliding window that drift (PSI) is computed over. */
  SERVE_DRIFT_WINDOW: integer(10, 1_000_000).default(2000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Log one line per request (at info). */
  SERVE_ACCESS_LOG: boolean.default(true),
  /** The share of successful requests the access log records (errors always are): 1 every one, 0.01 one in 100. */
  SERVE_ACCESS_LOG_SAMPLE: z.coerce
    .number({ error: "expected a number from 0.000001 to 1" })
    .min(0.000001, { error: "expected a number from 0.000001 to 1" })
    .max(1, { error: "expected a number from 0.000001 to 1" })
    .default(1),
});

export type ServeConfig = z.infer<typeof EnvSchema>;

/** Every variable that is not valid, each line naming it, the value given and what was expected. */
export type ConfigError = { kind: "invalid-environment"; problems: string[] };

export type ConfigResult = Result<ServeConfig, ConfigError>;

/** Parses the environment; each error names the variable, the value given and what was expected. */
export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const relevant = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = EnvSchema.safeParse(relevant);
  if (parsed.success) return ok(parsed.data);
  return err({
    kind: "invalid-environment",
    problems: parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const given = env[name];
      return `${name}=${given === undefined ? "(unset)" : JSON.stringify(given)}: ${issue.message}`;
    }),
  });
}

/** The variables this server reads, for documentation and `--help`. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);
