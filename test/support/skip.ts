// Skipping a test that needs something this machine lacks (a tool, a service), always saying why.
// The line `SKIP <name>: <reason>` goes to stdout, where scripts/run-tests.mjs collects it into its summary; a file
// whose uvu count shows a skip without such a line fails there.
// TABULA_REQUIRE_TOOLS=1 (CI on a machine that is meant to have everything) turns every skip into a failure.
import { spawnSync } from "node:child_process";
import type { Test } from "uvu";

export const SKIP_PREFIX = "SKIP ";

/** Why `tool` cannot run here (not on PATH, or `tool <probe>` fails), with what installs it; undefined when it can. */
export function missingTool(
  tool: string,
  install: string,
  probe: string[] = ["--version"],
): string | undefined {
  const result = spawnSync(tool, probe, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 30_000,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? `${tool} is not installed (${install})`
      : `${tool} cannot run: ${result.error.message} (${install})`;
  }
  if (result.status !== 0) {
    const said = `${result.stderr}${result.stdout}`.trim().split("\n")[0] ?? "";
    return `\`${tool} ${probe.join(" ")}\` exits ${result.status}: ${said} (${install})`;
  }
  return undefined;
}

export const requireTools = (): boolean => process.env.TABULA_REQUIRE_TOOLS === "1";

/**
 * Registers `name` as skipped, printing the reason; with TABULA_REQUIRE_TOOLS=1 registers it as a failing test
 * instead, so a CI machine that should have every tool cannot pass by skipping. `optIn` tests (the container build,
 * which CI does not run inside its own container) stay skips.
 */
export function skipTest(suite: Test, name: string, reason: string, optIn = false): void {
  if (requireTools() && !optIn) {
    suite(name, () => {
      throw new Error(`${reason} (TABULA_REQUIRE_TOOLS=1: a skip is a failure)`);
    });
    return;
  }
  console.log(`${SKIP_PREFIX}${name}: ${reason}`);
  suite.skip(name, () => {});
}

/** Registers `body` as `name`, or skips it with `reason` when one is given. */
export function testUnless(
  suite: Test,
  reason: string | undefined,
  name: string,
  body: () => unknown | Promise<unknown>,
): void {
  if (reason === undefined) suite(name, body as () => void);
  else skipTest(suite, name, reason);
}

/** `suite` for tests that need what `reason` says is missing: each registers as usual, or skips with the reason. */
export function gated(
  suite: Test,
  reason: string | undefined,
): (name: string, body: () => unknown | Promise<unknown>) => void {
  return (name, body) => testUnless(suite, reason, name, body);
}

export const INSTALL_HINT = {
  kubectl: "https://kubernetes.io/docs/tasks/tools/; macOS: brew install kubectl",
  promtool: "Debian: apt-get install prometheus; macOS: brew install prometheus; or scripts/setup.sh",
  chromium: "Debian: apt-get install chromium; macOS: brew install --cask chromium; or scripts/setup.sh",
  podman: "Debian: apt-get install podman runc; macOS: brew install podman",
} as const;

/** Why kubectl (with its built-in kustomize) cannot run here; undefined when it can. */
export const missingKubectl = (): string | undefined =>
  missingTool("kubectl", INSTALL_HINT.kubectl, ["version", "--client"]);
