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

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

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
  test(`the same line as logger.info, with ${name}`, async () => {
    const { logger, lines } = capture({ ...options, timestamp: () => ',"time":1' });
    const { reqId, method, path, route, status, ms } = entry;
    logger.info({ req_id: reqId, method, path, route, status, ms }, "request");
    accessLogWriter(logger)(reqId, method, path, route, status, ms);
    await endOfTurn();
    assert.is(lines.length, 2);
    assert.is(lines[1], lines[0]);
  });
}

test("the lines of one turn in one write, in order, at its end", async () => {
  const { logger, lines } = capture({ timestamp: () => ',"time":1' });
  const write = accessLogWriter(logger);
  const { method, path, route, status, ms } = entry;
  for (const reqId of ["a", "b", "c"]) write(reqId, method, path, route, status, ms);
  assert.is(lines.length, 0);
  await endOfTurn();
  assert.is(lines.length, 1);
  assert.equal(
    (lines[0] as string).split("\n").map((line) => (line ? JSON.parse(line).req_id : "")),
    ["a", "b", "c", ""],
  );
  write("d", method, path, route, status, ms);
  await endOfTurn();
  assert.is(lines.length, 2);
  assert.is(JSON.parse(lines[1] as string).req_id, "d");
});

test("nothing below the logger's level", async () => {
  const { logger, lines } = capture({ level: "warn" });
  const { reqId, method, path, route, status, ms } = entry;
  accessLogWriter(logger)(reqId, method, path, route, status, ms);
  await endOfTurn();
  assert.is(lines.length, 0);
});

test.run();
