// The access log line is built from a template, not by pino's serialiser: it must be the very line
// logger.info({req_id, method, path, route, status, ms}, "request") writes, whatever the logger's settings.
import { Writable } from "node:stream";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { accessLogWriter, millisText } from "../../serve/observability/logger.js";

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
  micros: 437,
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
    const { reqId, method, path, route, status, micros } = entry;
    logger.info({ req_id: reqId, method, path, route, status, ms: micros / 1000 }, "request");
    accessLogWriter(logger)(reqId, method, path, route, status, micros);
    await endOfTurn();
    assert.is(lines.length, 2);
    assert.is(lines[1], lines[0]);
  });
}

test("the lines of one turn in one write, in order, at its end", async () => {
  const { logger, lines } = capture({ timestamp: () => ',"time":1' });
  const write = accessLogWriter(logger);
  const { method, path, route, status, micros } = entry;
  for (const reqId of ["a", "b", "c"]) write(reqId, method, path, route, status, micros);
  assert.is(lines.length, 0);
  await endOfTurn();
  assert.is(lines.length, 1);
  assert.equal(
    (lines[0] as string).split("\n").map((line) => (line ? JSON.parse(line).req_id : "")),
    ["a", "b", "c", ""],
  );
  write("d", method, path, route, status, micros);
  await endOfTurn();
  assert.is(lines.length, 2);
  assert.is(JSON.parse(lines[1] as string).req_id, "d");
});

test("nothing below the logger's level", async () => {
  const { logger, lines } = capture({ level: "warn" });
  const { reqId, method, path, route, status, micros } = entry;
  accessLogWriter(logger)(reqId, method, path, route, status, micros);
  await endOfTurn();
  assert.is(lines.length, 0);
});

test("the duration's text is the number micros / 1000 as JavaScript prints it", () => {
  const samples = [
    0, 1, 9, 10, 99, 100, 437, 999, 1000, 1001, 1010, 1100, 12_345, 999_999, 1_000_000, 86_400_000_123,
  ];
  for (let micros = 0; micros < 20_000; micros += 7) samples.push(micros);
  for (const micros of samples) assert.is(millisText(micros), String(micros / 1000), String(micros));
});

test.run();
