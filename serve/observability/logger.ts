// Structured JSON logs (pino) on stdout, written asynchronously (sonic-boom) so logging never waits on the terminal
// or pipe; a busy server batches lines into fewer writes on its own.
import pino, { type Logger } from "pino";

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
