// The prediction log's queue, built as the batch it will be shipped as: each entry's body bytes and feature rows are
// copied at once into two growing typed arrays (their storage is outside the JavaScript heap) instead of the entry
// being kept until the next flush. Why: under load the queue holds one flush interval of requests (≈ 50 ms), so a
// queue of entry objects (the entry, its body Buffer, its Float32Array) survived the young generation's scavenges,
// was copied by each of them and then promoted; scavenges took longer than a millisecond and set the tail latency of
// every request in flight (measured in serve/README.md, "What a request costs").
import type { LogBatch, LogEntry } from "./prediction-log-protocol.js";

const INITIAL_BODY_BYTES = 64 * 1024;
const INITIAL_FEATURE_VALUES = 16 * 1024;

function grown<T extends Uint8Array | Float32Array>(
  array: T,
  needed: number,
  make: (length: number) => T,
): T {
  if (needed <= array.length) return array;
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const larger = make(length);
  larger.set(array);
  return larger;
}

export class LogBatchBuilder {
  private requestIds: string[] = [];
  private times: number[] = [];
  private versions: string[] = [];
  private rows: number[] = [];
  private bodies = new Uint8Array(INITIAL_BODY_BYTES);
  private bodyEnds: number[] = [];
  private bodyEnd = 0;
  private predictions: string[] = [];
  private latenciesMs: number[] = [];
  private features = new Float32Array(INITIAL_FEATURE_VALUES);
  private featureEnds: number[] = [];
  private featureEnd = 0;

  get length(): number {
    return this.requestIds.length;
  }

  add(entry: LogEntry): void {
    this.requestIds.push(entry.requestId);
    this.times.push(entry.time);
    this.versions.push(entry.version);
    this.rows.push(entry.rows);
    const bodyEnd = this.bodyEnd + entry.request.length;
    this.bodies = grown(this.bodies, bodyEnd, (length) => new Uint8Array(length));
    this.bodies.set(entry.request, this.bodyEnd);
    this.bodyEnd = bodyEnd;
    this.bodyEnds.push(bodyEnd);
    this.predictions.push(entry.predictions);
    this.latenciesMs.push(entry.latencyMs);
    const featureEnd = this.featureEnd + entry.features.length;
    this.features = grown(this.features, featureEnd, (length) => new Float32Array(length));
    this.features.set(entry.features, this.featureEnd);
    this.featureEnd = featureEnd;
    this.featureEnds.push(featureEnd);
  }

  /** The entries added so far as one batch (its typed arrays are the builder's own, to transfer); starts anew. */
  take(): LogBatch {
    const batch: LogBatch = {
      requestIds: this.requestIds,
      times: this.times,
      versions: this.versions,
      rows: this.rows,
      bodies: this.bodies.subarray(0, this.bodyEnd),
      bodyEnds: this.bodyEnds,
      predictions: this.predictions,
      latenciesMs: this.latenciesMs,
      features: this.features.subarray(0, this.featureEnd),
      featureEnds: this.featureEnds,
    };
    // The next batch starts at the size this one reached, so a steady load does not grow the arrays again.
    this.bodies = new Uint8Array(Math.max(INITIAL_BODY_BYTES, this.bodies.length));
    this.features = new Float32Array(Math.max(INITIAL_FEATURE_VALUES, this.features.length));
    this.requestIds = [];
    this.times = [];
    this.versions = [];
    this.rows = [];
    this.bodyEnds = [];
    this.predictions = [];
    this.latenciesMs = [];
    this.featureEnds = [];
    this.bodyEnd = 0;
    this.featureEnd = 0;
    return batch;
  }
}
