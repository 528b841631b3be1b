// A body over the limit always reaches its client as the 413 JSON error, however much of it is still on the way:
// the server answers, then keeps reading (and discarding) what the client sends before it closes, as nginx's
// lingering close does. Without that, closing a socket with unread data sends a reset, and the client loses the
// answer (EPIPE / ECONNRESET). A real server on 127.0.0.1, fresh connections, a 3 MB body against the 1 MB limit.
import { connect } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { RunningServer } from "../../serve/server.js";
import { buildRegressionPackage } from "./support/fixtures.js";
import { request, startInProcess, tempDir } from "./support/harness.js";

const scratch = tempDir("serve-body-limit");
let running: RunningServer;

test.before(async () => {
  const { dir } = await buildRegressionPackage(`${scratch.dir}/package`);
  running = await startInProcess({
    SERVE_MODEL: dir,
    SERVE_DATA_DIR: `${scratch.dir}/data`,
    SERVE_BODY_LIMIT_BYTES: String(1024 * 1024),
  });
});

test.after(async () => {
  await running.shutdown("test over");
  scratch.remove();
});

/**
 * Sends the request on a new connection: the head and the first 64 kB, then a pause in which the server has answered
 * (and, without lingering, closed), then the rest of the body, and only then reads the answer, as a client that
 * sends its whole body before reading does (Python's requests, for one). Resolves with the raw response, or rejects
 * with the socket error (EPIPE, ECONNRESET) when the server reset the connection under it.
 */
function sendAllThenRead(url: string, body: Buffer, chunked: boolean): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    socket.pause();
    socket.on("error", reject);
    const head = [
      "POST /predict HTTP/1.1",
      "Host: 127.0.0.1",
      "Content-Type: application/json",
      chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${body.length}`,
      "",
      "",
    ].join("\r\n");
    const send = (data: string | Buffer) =>
      new Promise<void>((done, failed) => socket.write(data, (error) => (error ? failed(error) : done())));
    const piece = (at: number) => {
      const bytes = body.subarray(at, at + 65536);
      return chunked
        ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")])
        : bytes;
    };
    void (async () => {
      await send(head);
      // Past the limit only after 1 MB for a chunked body: the server reads until then.
      const first = chunked ? 1024 * 1024 + 65536 : 65536;
      for (let at = 0; at < first; at += 65536) await send(piece(at));
      await new Promise((pause) => setTimeout(pause, 100));
      for (let at = first; at < body.length; at += 65536) await send(piece(at));
      if (chunked) await send("0\r\n\r\n");
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.resume();
    })().catch(reject);
  });
}

async function outcomes(chunked: boolean): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    try {
      const response = await sendAllThenRead(running.url, big, chunked);
      const status = /^HTTP\/1\.1 (\d+)/.exec(response)?.[1];
      const body = response.slice(response.indexOf("\r\n\r\n") + 4);
      seen.push(status === "413" && JSON.parse(body).error.code === "body_too_large" ? "413" : `${status}`);
    } catch (error) {
      seen.push((error as NodeJS.ErrnoException).code ?? String(error));
    }
  }
  return seen;
}

const big = Buffer.from(
  `{"instances": [${Array(3 * 1024 * 34)
    .fill(`"${"x".repeat(28)}"`)
    .join(",")}]}`,
);

test("a 3 MB body gets its 413 JSON error 20 times out of 20 (declared length)", async () => {
  assert.ok(big.length > 3 * 1024 * 1024, "the body is over 3 MB");
  assert.equal(await outcomes(false), Array(20).fill("413"));
});

test("a 3 MB chunked body (no length up front) gets its 413 JSON error 20 times out of 20", async () => {
  assert.equal(await outcomes(true), Array(20).fill("413"));
});

test("after the 413s the server still answers", async () => {
  const response = await request(`${running.url}/predict`, { body: { instances: [] } });
  assert.is(response.status, 400);
});

test.run();
