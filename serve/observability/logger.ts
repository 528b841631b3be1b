// Structured JSON logs (pino) on stdout, written asynchronously (sonic-boom) so logging never waits on the terminal
// or pipe; a busy server batches lines into fewer writes on its own.
import pino, { type Logger } from "pino";
import { jsonString } from "../json-string.js";

export type { Logger };

/**
 * pino's isoTime, formatted once per millisecond: a busy server logs several lines per millisecond, and the
 * Date and its ISO string cost more than the rest of the timestamp.
 */
function isoTimeOncePerMs(): () => string {
  let formattedAt = -1;
  let text = "";
  return () => {
    const now = Date.now();
    if (now !== formattedAt) {
      formattedAt = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: "tabula-serve", pid: process.pid },
      timestamp: isoTimeOncePerMs(),
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}

interface PinoInternals {
  [pino.symbols.streamSym]: { write(line: string): unknown };
  [pino.symbols.timeSym]: () => string;
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.messageKeySym]: string;
  [pino.symbols.formattersSym]: { level(label: string, value: number): object };
}

/** Writes one access log line (see accessLogWriter). */
export type AccessLineWriter = (
  reqId: string,
  method: string,
  path: string,
  route: string,
  status: number,
  /** The duration in whole microseconds, written as milliseconds ("ms"). */
  micros: number,
) => void;

/**
 * `micros / 1000` as JavaScript prints it (the shortest decimal that reads back as the same double: at most three
 * decimals), from integers: printing the double itself costs ≈ 0.5 µs, this ≈ 0.05 (measured).
 */
export function millisText(micros: number): string {
  const whole = Math.floor(micros / 1000);
  let fraction = micros - whole * 1000;
  if (fraction === 0) return `${whole}`;
  let digits = 3;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  const text = `${fraction}`;
  return `${whole}.${text.length === digits ? text : "00".slice(0, digits - text.length) + text}`;
}

/**
 * Writes the access log line `logger.info({req_id, method, path, route, status, ms}, "request")` would write, to the
 * same stream, with the logger's own level, time and bindings, but from one template: pino's generic serialisation
 * of the object took ≈ 4 % of the event loop per request. The lines of one turn of the event loop go to the stream
 * in one write at its end (setImmediate): pino's asynchronous destination (sonic-boom) measures the byte length of
 * its whole pending buffer on every write, so a write per line cost ≈ 3 µs against ≈ 0.7 µs a line batched per turn
 * (serve/README.md, "What a request costs"). So within a turn an access line may follow another log line written
 * after it.
 */
export function accessLogWriter(logger: Logger): AccessLineWriter {
  const internals = logger as unknown as PinoInternals;
  const level = JSON.stringify(
    internals[pino.symbols.formattersSym].level("info", logger.levels.values.info as number),
  );
  const head = level.slice(0, -1); // `{"level":"info"`, left open
  const tail = `,${JSON.stringify(internals[pino.symbols.messageKeySym])}:"request"}\n`;
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    internals[pino.symbols.streamSym].write(lines.length === 1 ? (lines[0] as string) : lines.join(""));
  };
  return (reqId, method, path, route, status, micros) => {
    if (!logger.isLevelEnabled("info")) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(
      `${head}${internals[pino.symbols.timeSym]()}${internals[pino.symbols.chindingsSym]},"req_id":${jsonString(reqId)},"method":${jsonString(method)},"path":${jsonString(path)},"route":${jsonString(route)},"status":${status},"ms":${millisText(micros)}${tail}`,
    );
  };
}
