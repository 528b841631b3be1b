// Structured JSON logs (pino) on stdout, written asynchronously (sonic-boom) so logging never waits on the terminal
// or pipe; a busy server batches lines into fewer writes on its own.
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: "tabula-serve", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
