// `npm run serve` ends on SIGINT/SIGTERM sent to npm's own PID, the way a terminal, a process manager or
// `kill <pid>` stops it: npm forwards the signal to its script's shell, so the script must `exec` the server rather
// than leave a shell in between that passes nothing on (the server then outlived npm).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { tempDir } from "../serve/support/harness.js";
import { startChild } from "../support/child-process.js";
import { freePort, waitForReady } from "./support/server.js";

const temp = tempDir("npm-signals");
const pkg = await buildRegressionPackage(join(temp.dir, "package"));
test.after(() => temp.remove());

async function serveThenSignal(signal: NodeJS.Signals): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const npm = startChild(
    "npm",
    ["run", "--silent", "serve"],
    {
      ...process.env,
      SERVE_MODEL: pkg.dir,
      SERVE_HOST: "127.0.0.1",
      SERVE_PORT: String(port),
      SERVE_DATA_DIR: join(temp.dir, `data-${signal}`),
      SERVE_INFERENCE_WORKERS: "1",
      SERVE_ALIAS_POLL_MS: "0",
      LOG_LEVEL: "warn",
    },
    20_000,
  );
  await waitForReady(url, 90_000);
  // Sent to npm's own PID, as `kill <pid>` would.
  const stopped = await npm.stop(signal);
  assert.is(
    stopped.code,
    0,
    `npm run serve after ${signal}: ${stopped.killed ? "still running 20 s later" : `exit ${stopped.code}`}\n${npm.output()}`,
  );
  // The server itself is gone too, not orphaned behind a killed npm.
  const answer = await fetch(`${url}/readyz`).then(
    () => "answered",
    () => "refused",
  );
  assert.is(answer, "refused", `the server still answers on ${url} after npm exited`);
}

test("SIGTERM to npm's PID shuts the server down gracefully (exit 0)", () => serveThenSignal("SIGTERM"));
test("SIGINT to npm's PID shuts the server down gracefully (exit 0)", () => serveThenSignal("SIGINT"));

test("long-running npm scripts exec their last command, so npm's signals reach it", () => {
  const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
  for (const name of ["serve", "repro"]) {
    const script = scripts[name] ?? "";
    const last = script.split("&&").at(-1)?.trim() ?? "";
    // Environment assignments may precede exec (`A=1 exec node …` exports A to node, which replaces the shell).
    const command = last.replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*/, "");
    assert.ok(
      command.startsWith("exec "),
      `scripts.${name} ends with "${last}", not exec: a shell stays between npm and node`,
    );
  }
});

test.run();
