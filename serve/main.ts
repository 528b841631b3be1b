// `npm run serve`: start the prediction service with the configuration from the environment (see config.ts).
// Exit codes: 0 after a graceful shutdown, 1 when the model cannot be loaded, 2 for bad configuration.
import { unreachable } from "../src/result.js";
import { parseConfig } from "./config.js";
import { createLogger } from "./observability/logger.js";
import type { StartError } from "./server.js";

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  process.stderr.write(
    `tabula serve: invalid configuration:\n${parsed.error.problems.map((e) => `  ${e}\n`).join("")}`,
  );
  process.exit(2);
}
const config = parsed.value;
const logger = createLogger(config.LOG_LEVEL);

process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));

// Loaded only once the configuration is known to be good, so a bad value is reported at once.
const { startServer } = await import("./server.js");
const started = await startServer(config, logger);
if (!started.ok) {
  const { message, exitCode } = describeStartError(started.error);
  logger.fatal(message);
  logger.flush();
  process.stderr.write(`tabula serve: ${message}\n`);
  process.exit(exitCode);
}

const running = started.value;
process.on("SIGHUP", () => {
  void running.models.reload("signal");
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void running.shutdown(signal).then(() => process.exit(0));
  });
}

function describeStartError(error: StartError): { message: string; exitCode: number } {
  switch (error.kind) {
    case "config":
      return { message: error.message, exitCode: 2 };
    case "model":
      return { message: `cannot serve the model (${error.error.kind}): ${error.error.message}`, exitCode: 1 };
    default:
      return unreachable(error);
  }
}
