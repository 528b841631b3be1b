// Builds the image with podman (Dockerfile, target with-model: a model baked in at a registry version), runs it the
// way Kubernetes does (read-only root, non-root, no capabilities, a writable data dir) and calls /readyz and
// /predict in it. Where Docker Hub is out of reach the base image is made locally (scripts/ci/local-base-image.sh);
// NODE_IMAGE overrides it.
// Skipped, saying why, when podman is missing or cannot run containers here, and when the layer cache is cold (no
// base image yet, or package.json or the lock changed since the last build): `npm ci` takes
// minutes on two busy cores, beyond a test's budget. Setting CONTAINER_BUILD_TIMEOUT_S builds anyway; warm with:
//   CONTAINER_BUILD_TIMEOUT_S=1800 node --import tsx test/deploy/container.test.ts
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildRegressionPackage } from "../serve/support/fixtures.js";
import { skipTest } from "../support/skip.js";
import { type Podman, probePodman } from "./support/podman.js";
import { freePort, waitForReady } from "./support/server.js";

const IMAGE = "localhost/tabula:test";
const CONTEXT_FILES = [
  "Dockerfile",
  ".dockerignore",
  "package.json",
  "package-lock.json",
  "scripts",
  "src",
  "serve",
];
// The test runner kills a file after 300 s; a killed test would leave its podman build running.
const DEADLINE = Date.now() + Number(process.env.CONTAINER_BUILD_TIMEOUT_S ?? 200) * 1000;

const context = mkdtempSync(join(tmpdir(), "tabula-image-"));
const pkg = await buildRegressionPackage(join(context, "package"));

const EXPLICIT = process.env.CONTAINER_BUILD_TIMEOUT_S !== undefined;
const LOCK_LABEL = "dev.tabula.test.dependencies-sha256";
// The dependency layers are keyed on these two files: when they change, `npm ci` and the native build rerun.
const lockHash = createHash("sha256")
  .update(readFileSync("package.json"))
  .update(readFileSync("package-lock.json"))
  .digest("hex");
const WARM_UP = "warm it: CONTAINER_BUILD_TIMEOUT_S=1800 node --import tsx test/deploy/container.test.ts";

function baseImage(): { image: string } | { skip: string } {
  if (process.env.NODE_IMAGE) return { image: process.env.NODE_IMAGE };
  if (spawnSync("podman", ["--version"]).status !== 0)
    return { skip: "podman is not installed (apt-get install podman runc)" };
  const exists = spawnSync("podman", ["image", "exists", "localhost/tabula-node:24-bookworm"]).status === 0;
  if (!exists && !EXPLICIT)
    return { skip: `no local base image yet (scripts/ci/local-base-image.sh); ${WARM_UP}` };
  const made = spawnSync("bash", ["scripts/ci/local-base-image.sh"], { encoding: "utf8", timeout: 180_000 });
  if (made.status !== 0)
    return { skip: `no base image: scripts/ci/local-base-image.sh failed: ${made.stderr.trim()}` };
  return { image: made.stdout.trim().split("\n").at(-1) as string };
}

/** Builds the image; undefined when built, else why the test is skipped. A build error fails the test instead. */
function build(podman: Extract<Podman, { ok: true }>, base: string): string | undefined {
  const previous = spawnSync(
    "podman",
    [...podman.global, "image", "inspect", "--format", `{{index .Labels "${LOCK_LABEL}"}}`, IMAGE],
    { encoding: "utf8" },
  );
  if (!EXPLICIT && previous.stdout.trim() !== lockHash) {
    return `the layer cache is cold (package.json or package-lock.json changed since the last image build, or none yet); ${WARM_UP}`;
  }
  for (const file of CONTEXT_FILES) cpSync(file, join(context, file), { recursive: true });
  const versionDir = join(context, "models", pkg.manifest.name, pkg.manifest.version);
  mkdirSync(versionDir, { recursive: true });
  cpSync(pkg.dir, versionDir, { recursive: true });
  // biome-ignore format: one flag per line reads better
  const args = [
    ...podman.global, "build", ...podman.run, "--format", "docker", "--target", "with-model",
    "--build-arg", `NODE_IMAGE=${base}`,
    "--build-arg", `MODEL_NAME=${pkg.manifest.name}`,
    "--build-arg", `MODEL_VERSION=${pkg.manifest.version}`,
    "--label", `${LOCK_LABEL}=${lockHash}`,
    "--tag", IMAGE, context,
  ];
  const started = Date.now();
  const budget = Math.max(1000, DEADLINE - started);
  const result = spawnSync("podman", args, { encoding: "utf8", timeout: budget, maxBuffer: 256 << 20 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT") {
    const seconds = (budget / 1000).toFixed(0);
    return `the image build outlasted its ${seconds} s (a cold layer cache); ${WARM_UP}`;
  }
  buildLog = `${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`;
  buildStatus = result.status;
  console.log(`container: podman build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return undefined;
}

let buildLog = "";
let buildStatus: number | null = null;
const base = baseImage();
const podman: Podman = "skip" in base ? { ok: false, reason: base.skip } : probePodman(base.image);
const skip = !podman.ok ? podman.reason : build(podman, (base as { image: string }).image);

test.after(() => {
  if (podman.ok)
    spawnSync("podman", [...podman.global, "rm", "--force", "--time", "2", `tabula-test-${process.pid}`]);
  rmSync(context, { recursive: true, force: true });
});

if (skip !== undefined || !podman.ok) {
  // Opt-in even with TABULA_REQUIRE_TOOLS=1: CI's test job runs in a container, and release.yml builds the image.
  skipTest(test, "the image builds and serves /readyz", skip ?? "podman cannot run containers here", true);
} else {
  const name = `tabula-test-${process.pid}`;
  const cli = (args: string[]) =>
    execFileSync("podman", [...podman.global, ...args], {
      encoding: "utf8",
      timeout: 60_000,
      stdio: ["ignore", "pipe", "pipe"],
    });

  test("the image builds with a registry version baked in, labelled with that version", () => {
    assert.is(buildStatus, 0, buildLog);
    const image = JSON.parse(cli(["image", "inspect", IMAGE]))[0];
    assert.is(image.Config.Labels["dev.tabula.model.version"], pkg.manifest.version);
    assert.is(image.Config.User, "10001:10001");
    assert.ok(image.Healthcheck?.Test?.join(" ").includes("/readyz"), JSON.stringify(image.Healthcheck));
    console.log(`container: image ${(image.Size / 1e6).toFixed(0)} MB`);
  });

  test("the container serves the baked model: read-only root, non-root, no capabilities", async () => {
    const port = await freePort();
    // biome-ignore format: one flag per line reads better
    cli([
      "run", ...podman.run, "--detach", "--name", name,
      "--read-only", "--tmpfs", "/tmp", "--tmpfs", "/var/lib/tabula:mode=1777",
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
      "--env", "SERVE_INFERENCE_WORKERS=1",
      "--publish", `127.0.0.1:${port}:8080`,
      IMAGE,
    ]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForReady(url, 60_000);
    } catch (error) {
      const logs = spawnSync("podman", [...podman.global, "logs", name], { encoding: "utf8" });
      throw new Error(`${(error as Error).message}\n${logs.stdout}${logs.stderr}`);
    }
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { model: { version: string } };
    assert.is(ready.model.version, pkg.manifest.version);
    const golden = pkg.manifest.golden[0];
    const response = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ features: golden?.features }),
    });
    assert.is(response.status, 200);
    const { predictions } = (await response.json()) as { predictions: number[] };
    assert.ok(Math.abs((predictions[0] as number) - (golden?.expected as number)) < 1e-3);
    assert.is(cli(["exec", name, "id", "-u"]).trim(), "10001");
    const health = spawnSync("podman", [...podman.global, "healthcheck", "run", name], { encoding: "utf8" });
    assert.is(health.status, 0, `HEALTHCHECK: ${health.stdout}${health.stderr}`);
  });
}

test.run();
