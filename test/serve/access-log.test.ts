// The access log line is built from a template, not by pino's serialiser: it must be the very line
// logger.info({req_id, method, path, route, status, ms}, "request") writes, whatever the logger's settings.
import { Writable } from "node:stream";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { accessLogWriter } from "../../serve/observability/logger.js";

function capture(options: pino.LoggerOptions): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino(options, sink), lines };
}

const entry = {
  reqId: "0192-a",
  method: "POST",
  path: '/odd"path',
  route: "/predict",
  status: 200,
  ms: 0.4375,
};

for (const [name, options] of [
  ["pino's defaults", {}],
  [
    "the server's settings",
    {
      base: { service: "tabula-serve", pid: 7 },
      timestamp: () => ',"time":"2026-01-01T00:00:00.000Z"',
      formatters: { level: (label: string) => ({ level: label }) },
    },
  ],
] as const) {
  test(`the same line as logger.info, with ${name}`, () => {
    const { logger, lines } = capture({ ...options, timestamp: () => ',"time":1' });
    const { reqId, ...rest } = entry;
    logger.info({ req_id: reqId, ...rest }, "request");
    accessLogWriter(logger)(entry);
    assert.is(lines.length, 2);
    assert.is(lines[1], lines[0]);
  });
}

test("nothing below the logger's level", () => {
  const { logger, lines } = capture({ level: "warn" });
  accessLogWriter(logger)(entry);
  assert.is(lines.length, 0);
});

test.run();
