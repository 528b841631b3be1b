// The prediction log, main-thread side: `record` only appends to a bounded in-memory queue (built as the batch it
// is shipped as, ./log-batch-builder.ts); a timer ships the queue in batches to the SQLite writer
// (./prediction-log-worker.ts: on the event loop, or on a worker thread). When the queue is full, or the disk fails, the request still succeeds and
// `prediction_log_dropped_total` counts the rows lost. `close` ships what is left and waits for it to be written.
// Beside the request and its predictions the writer keeps the tensor the model ran on (the features table), so the
// per-request cost here is one queue push and, for a model version not seen before, one message with its names.

import { join, resolve } from "node:path";
import { err, ok, type Result, unreachable } from "../src/result.js";
import { batchBuffers, LogBatchBuilder } from "./log-batch-builder.js";
import { startOnLoop } from "./loop-channel.js";
import type { Label } from "./model/predictions.js";
import type {
  FeedbackMatch,
  LogEntry,
  LogReply,
  LogRequest,
  LogWorkerData,
} from "./prediction-log-protocol.js";
import { serveLog } from "./prediction-log-worker.js";
import { sharedThreadRunning, startWorker, type WorkerThread } from "./worker-thread.js";

/** Where the writer runs: SERVE_LOG_WRITER as set (`auto` resolved by `logWriterPlace`). */
export type LogWriterSetting = "auto" | "event-loop" | "thread";
/** `thread`: one of its own; `shared-thread`: the one inference runs on (serve/worker-thread.ts). */
export type LogWriterPlace = "event-loop" | "thread" | "shared-thread";

/**
 * `auto`: on the inference thread when there is one to share (SERVE_SHARED_THREAD, one inference thread: it costs no
 * isolate more), else on the event loop (a thread of its own would be a V8 isolate more, serve/README.md, memory).
 */
export function logWriterPlace(setting: LogWriterSetting, shareThread: boolean): LogWriterPlace {
  const sharable = shareThread && sharedThreadRunning();
  switch (setting) {
    case "event-loop":
      return "event-loop";
    case "thread":
      return shareThread ? "shared-thread" : "thread";
    case "auto":
      return sharable ? "shared-thread" : "event-loop";
    default:
      return unreachable(setting);
  }
}

/**
 * Rows per slice of a flush, and how long a turn writes before yielding: on the loop the requests of the next turn
 * wait for that (bench:log-writer-stalls); on a thread, a model run waits for one slice.
 */
const SLICES = {
  "event-loop": { sliceRows: 8, turnBudgetMs: 0.25 },
  thread: { sliceRows: 128, turnBudgetMs: 0 },
  "shared-thread": { sliceRows: 128, turnBudgetMs: 0 },
} as const;

export interface PredictionLogOptions {
  dataDir: string;
  maxQueuedRows: number;
  flushMs: number;
  retentionDays: number;
  maxRequests: number;
  /** Processed-feature rows to keep (one per predicted row; removed by whole requests); 0: no limit. */
  maxFeatureRows: number;
  /** How often retention is enforced and the awaiting-label counts refreshed (default: every minute). */
  maintenanceMs?: number;
  /** Where the writer runs (default: a thread of its own). */
  writer?: LogWriterPlace;
  /** The nice value of the writer's thread (Linux; default 0: unchanged; not applied on the event loop). */
  threadNice?: number;
  /** How often the WAL is synced and checkpointed (default: every second; serve/wal-checkpoint.ts). */
  checkpointMs?: number;
}

/** The manifest's feature list (tensor order): only the names are read, once per model version. */
export type TensorFeatures = readonly { readonly name: string }[];

export interface PredictionLogEvents {
  onDropped(rows: number, reason: string): void;
  onWritten(rows: number): void;
  onError(message: string): void;
}

/** Why the log could not open: the database in the writer thread, or the thread itself. */
export type LogStartError =
  | { kind: "open-failed"; message: string }
  | { kind: "thread-failed"; message: string };

export type FeedbackError =
  | { kind: "log-unavailable"; message: string }
  | { kind: "log-stopped"; message: string }
  | { kind: "join-failed"; message: string };

export type FeedbackResult = Result<FeedbackMatch[], FeedbackError>;

export class PredictionLog {
  readonly file: string;
  private worker: WorkerThread<LogReply> | undefined;
  private readonly queue = new LogBatchBuilder();
  private queuedRows = 0;
  private shippedRows = 0;
  private nextId = 1;
  /** Write batches shipped and not yet acknowledged (at most one, unless feedback or close forced another). */
  private writing = 0;
  /** A flush found the writer busy: ship as soon as it acknowledges. */
  private deferred = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<number, (reply: LogReply) => void>();
  private closedReply: (() => void) | undefined;
  private available = false;
  /** The feature list announced to the writer for each model version. */
  private readonly announced = new Map<string, TensorFeatures>();
  /** Logged rows without a true value, per model version, as of the writer's last count. */
  awaitingLabels: Record<string, number> = {};

  constructor(
    private readonly options: PredictionLogOptions,
    private readonly events: PredictionLogEvents,
  ) {
    this.file = resolve(join(options.dataDir, "predictions.sqlite"));
  }

  /** Where the writer runs. */
  get writer(): LogWriterPlace {
    return this.options.writer ?? "thread";
  }

  /** Opens the database in the writer. A failure is reported, not thrown: the server serves without a log. */
  start(): Promise<Result<void, LogStartError>> {
    const place = this.writer;
    const threadNice = this.options.threadNice ?? 0;
    if (place === "event-loop" && threadNice > 0)
      this.events.onError("SERVE_LOG_THREAD_NICE not applied: the prediction log writes on the event loop");
    const data: LogWorkerData = {
      file: this.file,
      retentionDays: this.options.retentionDays,
      maxRequests: this.options.maxRequests,
      maxFeatureRows: this.options.maxFeatureRows,
      maintenanceMs: this.options.maintenanceMs ?? 60_000,
      threadNice: place === "event-loop" ? 0 : threadNice,
      ...SLICES[place],
      checkpointMs: this.options.checkpointMs ?? 1000,
    };
    const worker =
      place === "event-loop"
        ? startOnLoop<LogReply>((port, exit) => serveLog(port, data, exit))
        : startWorker<LogReply>({ role: "prediction-log", data }, { shared: place === "shared-thread" });
    this.worker = worker;
    return new Promise((resolveStart) => {
      worker.on("message", (reply: LogReply) => {
        switch (reply.kind) {
          case "opened":
            if (reply.niceFailed)
              this.events.onError(`prediction log thread priority not lowered: ${reply.niceFailed}`);
            this.available = true;
            this.timer = setInterval(() => this.flush(), this.options.flushMs);
            this.timer.unref();
            resolveStart(ok(undefined));
            return;
          case "open_failed":
            this.events.onError(reply.message);
            resolveStart(err({ kind: "open-failed", message: reply.message }));
            return;
          case "written":
            this.writing--;
            this.shippedRows -= reply.written + reply.failed;
            if (reply.batch) this.queue.recycle(reply.batch);
            this.waiting.get(reply.id)?.(reply);
            this.waiting.delete(reply.id);
            if (reply.written > 0) this.events.onWritten(reply.written);
            if (reply.failed > 0) {
              this.events.onDropped(reply.failed, "write_failed");
              this.events.onError(`prediction log write failed: ${reply.error ?? "unknown error"}`);
            }
            if (this.deferred) {
              this.deferred = false;
              this.flush();
            }
            return;
          case "feedback":
            this.waiting.get(reply.id)?.(reply);
            this.waiting.delete(reply.id);
            return;
          case "pruned":
            return;
          case "awaiting":
            this.awaitingLabels = reply.byVersion;
            return;
          case "closed":
            this.closedReply?.();
            return;
          case "failed":
            // The writer stops after this (its exit counts the rows it held as dropped).
            this.available = false;
            this.events.onError(`prediction log writer failed, serving without the log: ${reply.message}`);
            return;
          default:
            return unreachable(reply);
        }
      });
      worker.on("error", (error) => {
        this.available = false;
        this.events.onError(`prediction log thread failed: ${error.message}`);
        resolveStart(err({ kind: "thread-failed", message: error.message }));
      });
      worker.on("exit", () => {
        this.available = false;
        this.writing = 0;
        this.deferred = false;
        if (this.shippedRows > 0) this.events.onDropped(this.shippedRows, "writer_exited");
        this.shippedRows = 0;
        for (const [id, waiter] of this.waiting) waiter({ kind: "written", id, written: 0, failed: 0 });
        this.waiting.clear();
        this.closedReply?.();
      });
    });
  }

  /** `features` names the columns of `entry.features`: the manifest's feature list of `entry.version`. */
  record(entry: LogEntry, features: TensorFeatures): void {
    if (!this.available) {
      this.events.onDropped(entry.rows, "unavailable");
      return;
    }
    if (this.queuedRows + this.shippedRows + entry.rows > this.options.maxQueuedRows) {
      this.events.onDropped(entry.rows, "queue_full");
      return;
    }
    if (this.announced.get(entry.version) !== features) {
      this.announced.set(entry.version, features);
      this.post({ kind: "schema", version: entry.version, names: features.map((feature) => feature.name) });
    }
    this.queue.add(entry);
    this.queuedRows += entry.rows;
  }

  /** Rows accepted but not yet written. */
  get pendingRows(): number {
    return this.queuedRows + this.shippedRows;
  }

  /**
   * Ships the queue to the writer, unless a batch is still being written (`force`: feedback and close need what is
   * queued written first). One batch at a time: when the writer falls behind, the backlog waits here, compact in
   * the builder's arrays, and goes as one batch once the writer is free, rather than as messages queued to the thread
   * (a copy each, until read) (serve/README.md, memory).
   */
  private flush(force = false): Promise<LogReply> | undefined {
    if (this.queue.length === 0 || !this.available) return undefined;
    if (this.writing > 0 && !force) {
      this.deferred = true;
      return undefined;
    }
    const id = this.nextId++;
    const batch = this.queue.take();
    this.shippedRows += this.queuedRows;
    this.queuedRows = 0;
    this.writing++;
    const written = new Promise<LogReply>((resolveWrite) => this.waiting.set(id, resolveWrite));
    this.post({ kind: "write", id, batch }, batchBuffers(batch));
    return written;
  }

  /** Joins a true value to the logged prediction(s) of a request. */
  async feedback(
    requestId: string,
    row: number | undefined,
    actual: Label | Label[],
  ): Promise<FeedbackResult> {
    if (!this.available)
      return err({ kind: "log-unavailable", message: "the prediction log is not available" });
    this.flush(true); // the prediction may still be queued; messages are handled in order
    const id = this.nextId++;
    const answer = new Promise<LogReply>((resolveAnswer) => this.waiting.set(id, resolveAnswer));
    this.post({ kind: "feedback", id, requestId, row, actual, time: Date.now() });
    const reply = await answer;
    if (reply.kind !== "feedback") return err({ kind: "log-stopped", message: "the prediction log stopped" });
    if (reply.error) return err({ kind: "join-failed", message: reply.error });
    return ok(reply.matches);
  }

  /** Writes everything queued, then closes the database. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const worker = this.worker;
    if (!worker) return;
    await this.flush(true);
    if (this.available) {
      const closed = new Promise<void>((resolveClose) => {
        this.closedReply = resolveClose;
      });
      this.post({ kind: "close" });
      await Promise.race([
        closed,
        new Promise((resolveLater) => setTimeout(resolveLater, timeoutMs).unref()),
      ]);
    }
    this.available = false;
    await worker.terminate();
  }

  private post(message: LogRequest, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(message, transfer);
  }
}
