// The prediction log's queue, built as the batch it will be shipped as: every field of every entry is copied at once
// into typed arrays (their storage is outside the JavaScript heap): numbers into number columns, the request id, the
// predictions and the body as UTF-8 into one byte buffer, the feature rows into one float buffer. Nothing of an
// entry stays on the JavaScript heap, and the batch crosses to the writer thread as transferred buffers (no copy, no
// objects to rebuild there). Why: under load the queue holds at least one flush interval of requests (50 ms), more
// while the writer is behind. Kept as objects (entries, then their strings and numbers), they survived the young
// generation's scavenges, were copied by each and then promoted: slow scavenges (the tail latency of every request in
// flight) and an old generation that grew by tens of MB between full collections, on the writer's thread as well as
// here (the peak RSS measured in serve/README.md).
import type { LogBatch, LogEntry } from "./prediction-log-protocol.js";

const INITIAL_ENTRIES = 1024;
const INITIAL_TEXT_BYTES = 256 * 1024;
const INITIAL_FEATURE_VALUES = 16 * 1024;

type Column = Float64Array | Float32Array | Int32Array | Uint8Array;

/** `array`, or a copy at least `needed` long (doubling) when it is shorter. */
function grown<T extends Column>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array as never);
  return larger;
}

/**
 * An array for the next batch: the size this one needed (a steady load does not grow it again), or `least`; the
 * recycled `spare` when it is that large.
 */
function fresh<T extends Column>(array: T, used: number, least: number, spare: T | undefined): T {
  let length = least;
  while (length < used) length *= 2;
  if (spare && spare.length >= length) return spare;
  return new (array.constructor as new (length: number) => T)(length);
}

/** The whole of a batch's column (a batch holds the used part of it). */
function whole<T>(Type: new (buffer: ArrayBuffer) => T, column: Column): T {
  return new Type(column.buffer as ArrayBuffer);
}

interface Columns {
  times: Float64Array<ArrayBuffer>;
  latenciesMs: Float64Array<ArrayBuffer>;
  rows: Int32Array<ArrayBuffer>;
  versionIndexes: Int32Array<ArrayBuffer>;
  text: Uint8Array<ArrayBuffer>;
  textEnds: Int32Array<ArrayBuffer>;
  features: Float32Array<ArrayBuffer>;
  featureEnds: Int32Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

export class LogBatchBuilder {
  private count = 0;
  private times = new Float64Array(INITIAL_ENTRIES);
  private latenciesMs = new Float64Array(INITIAL_ENTRIES);
  private rows = new Int32Array(INITIAL_ENTRIES);
  private versionIndexes = new Int32Array(INITIAL_ENTRIES);
  private versions: string[] = [];
  private text = new Uint8Array(INITIAL_TEXT_BYTES);
  private textEnds = new Int32Array(3 * INITIAL_ENTRIES);
  private textEnd = 0;
  private features = new Float32Array(INITIAL_FEATURE_VALUES);
  private featureEnds = new Int32Array(INITIAL_ENTRIES);
  private featureEnd = 0;
  /** A written batch's storage, given back (`recycle`) for the next `take`. */
  private spare: Columns | undefined;

  get length(): number {
    return this.count;
  }

  add(entry: LogEntry): void {
    const i = this.count;
    if (i === this.times.length) {
      this.times = grown(this.times, i + 1);
      this.latenciesMs = grown(this.latenciesMs, i + 1);
      this.rows = grown(this.rows, i + 1);
      this.versionIndexes = grown(this.versionIndexes, i + 1);
      this.featureEnds = grown(this.featureEnds, i + 1);
      this.textEnds = grown(this.textEnds, 3 * (i + 1));
    }
    this.times[i] = entry.time;
    this.latenciesMs[i] = entry.latencyMs;
    this.rows[i] = entry.rows;
    let version = this.versions.indexOf(entry.version);
    if (version < 0) version = this.versions.push(entry.version) - 1;
    this.versionIndexes[i] = version;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.text = grown(
      this.text,
      this.textEnd + 3 * (entry.requestId.length + entry.predictions.length) + entry.request.length,
    );
    this.writeText(entry.requestId);
    this.textEnds[3 * i] = this.textEnd;
    this.writeText(entry.predictions);
    this.textEnds[3 * i + 1] = this.textEnd;
    this.text.set(entry.request, this.textEnd);
    this.textEnd += entry.request.length;
    this.textEnds[3 * i + 2] = this.textEnd;
    const featureEnd = this.featureEnd + entry.features.length;
    this.features = grown(this.features, featureEnd);
    this.features.set(entry.features, this.featureEnd);
    this.featureEnd = featureEnd;
    this.featureEnds[i] = featureEnd;
    this.count = i + 1;
  }

  /** Appends `value` as UTF-8 (room for it is made by the caller): byte by byte while it is ASCII, as ids are. */
  private writeText(value: string): void {
    const text = this.text;
    const start = this.textEnd;
    for (let k = 0; k < value.length; k++) {
      const code = value.charCodeAt(k);
      if (code > 0x7f) {
        this.textEnd = start + encoder.encodeInto(value, text.subarray(start)).written;
        return;
      }
      text[start + k] = code;
    }
    this.textEnd = start + value.length;
  }

  /** The entries added so far as one batch (its arrays are the builder's own, to transfer); starts anew. */
  take(): LogBatch {
    const n = this.count;
    const batch: LogBatch = {
      count: n,
      times: this.times.subarray(0, n),
      latenciesMs: this.latenciesMs.subarray(0, n),
      rows: this.rows.subarray(0, n),
      versionIndexes: this.versionIndexes.subarray(0, n),
      versions: this.versions,
      text: this.text.subarray(0, this.textEnd),
      textEnds: this.textEnds.subarray(0, 3 * n),
      features: this.features.subarray(0, this.featureEnd),
      featureEnds: this.featureEnds.subarray(0, n),
    };
    const spare = this.spare;
    this.spare = undefined;
    this.times = fresh(this.times, n, INITIAL_ENTRIES, spare?.times);
    this.latenciesMs = fresh(this.latenciesMs, n, INITIAL_ENTRIES, spare?.latenciesMs);
    this.rows = fresh(this.rows, n, INITIAL_ENTRIES, spare?.rows);
    this.versionIndexes = fresh(this.versionIndexes, n, INITIAL_ENTRIES, spare?.versionIndexes);
    this.featureEnds = fresh(this.featureEnds, n, INITIAL_ENTRIES, spare?.featureEnds);
    this.textEnds = fresh(this.textEnds, 3 * n, 3 * INITIAL_ENTRIES, spare?.textEnds);
    this.text = fresh(this.text, this.textEnd, INITIAL_TEXT_BYTES, spare?.text);
    this.features = fresh(this.features, this.featureEnd, INITIAL_FEATURE_VALUES, spare?.features);
    this.versions = [];
    this.count = 0;
    this.textEnd = 0;
    this.featureEnd = 0;
    return batch;
  }

  /**
   * Gives a written batch's storage back (the writer no longer reads it): the next `take` fills it instead of new
   * arrays. Why: a flush of single-row requests under load is ≈ 0.5 MB of arrays, 20 a second; allocated afresh
   * each time they are external memory that V8 only frees in a full collection of the heap, and their growth is
   * what started the main thread's mark-compacts (≈ 2 a second, 3–10 ms pauses each: serve/README.md, tail latency).
   * A batch whose buffers were transferred to a thread and not back is detached, and ignored.
   */
  recycle(batch: LogBatch): void {
    if (batch.text.buffer.byteLength === 0 || batch.features.buffer.byteLength === 0) return; // detached
    this.spare = {
      times: whole(Float64Array, batch.times),
      latenciesMs: whole(Float64Array, batch.latenciesMs),
      rows: whole(Int32Array, batch.rows),
      versionIndexes: whole(Int32Array, batch.versionIndexes),
      text: whole(Uint8Array, batch.text),
      textEnds: whole(Int32Array, batch.textEnds),
      features: whole(Float32Array, batch.features),
      featureEnds: whole(Int32Array, batch.featureEnds),
    };
  }
}

/** The buffers a batch is made of, to transfer with it. */
export function batchBuffers(batch: LogBatch): ArrayBuffer[] {
  return [
    batch.times,
    batch.latenciesMs,
    batch.rows,
    batch.versionIndexes,
    batch.text,
    batch.textEnds,
    batch.features,
    batch.featureEnds,
  ].map((array) => array.buffer as ArrayBuffer);
}
