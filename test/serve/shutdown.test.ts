// SIGTERM under load: the server stops being ready and stops accepting, finishes every request already started,
// writes every answered prediction to the log, and exits 0.
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildRegressionPackage } from "./support/fixtures.js";
import { request, startChild, tempDir } from "./support/harness.js";

const temp = tempDir("shutdown");

test.after(() => temp.remove());

test("SIGTERM during load: in-flight requests complete, no log row is lost, exit 0", async () => {
  const pkg = await buildRegressionPackage(join(temp.dir, "model"));
  const dataDir = join(temp.dir, "data");
  const server = await startChild({
    SERVE_MODEL: pkg.dir,
    SERVE_DATA_DIR: dataDir,
    SERVE_GRACE_MS: "8000",
    SERVE_LOG_FLUSH_MS: "200", // rows sit in the queue when the signal comes
    SERVE_LOG_QUEUE_ROWS: "100000", // room for every row of this load: losses here would be the queue's, not shutdown's
    SERVE_ACCESS_LOG: "false",
  });
  const row = pkg.manifest.golden[0]?.features as Record<string, number>;
  const body = { instances: Array.from({ length: 50 }, () => row) };
  let signalledAt = Number.POSITIVE_INFINITY;
  const answered: string[] = [];
  const failedBeforeSignal: string[] = [];

  const client = async (id: number) => {
    for (let i = 0; ; i++) {
      const startedAt = performance.now();
      const requestId = `c${id}-${i}`;
      try {
        const response = await request(`${server.url}/predict`, {
          body,
          headers: { "x-request-id": requestId },
        });
        if (response.status === 200) answered.push(requestId);
        else if (startedAt < signalledAt) failedBeforeSignal.push(`${requestId}: ${response.status}`);
      } catch (error) {
        // After the signal, new connections are refused: that ends this client.
        if (startedAt < signalledAt)
          failedBeforeSignal.push(
            `${requestId}: ${(error as Error).message} (${String((error as Error).cause)})`,
          );
        return;
      }
      if (startedAt > signalledAt + 3000) return;
    }
  };
  const clients = Array.from({ length: 12 }, (_, id) => client(id));
  await new Promise((resolve) => setTimeout(resolve, 800));
  const answeredBeforeSignal = answered.length;
  signalledAt = performance.now();
  server.child.kill("SIGTERM");
  while (!server.output().includes("shutting down")) await new Promise((resolve) => setTimeout(resolve, 5));
  const ready = await request(`${server.url}/readyz`).catch(() => ({ status: "refused" }));
  await Promise.all(clients);
  const code = await server.exited;

  assert.is(code, 0, server.output());
  assert.ok(answeredBeforeSignal > 10, `the load was real (${answeredBeforeSignal} answered before SIGTERM)`);
  assert.equal(failedBeforeSignal, [], "every request started before SIGTERM was answered");
  assert.ok(ready.status === 503 || ready.status === "refused", `not ready at once (got ${ready.status})`);
  assert.match(server.output(), /shutting down: not ready, draining/);

  const db = new DatabaseSync(join(dataDir, "predictions.sqlite"), { readOnly: true });
  const logged = new Set(
    (db.prepare("SELECT request_id FROM predictions").all() as unknown as { request_id: string }[]).map(
      (r) => r.request_id,
    ),
  );
  db.close();
  const missing = answered.filter((id) => !logged.has(id));
  assert.equal(missing, [], `all ${answered.length} answered requests are in the log`);
  assert.is(logged.size, answered.length);
});

test.run();
