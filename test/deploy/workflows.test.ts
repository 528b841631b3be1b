// The GitHub Actions workflows pass @action-validator/cli (schema of workflows), and what they call exists here:
// every repository script, every npm script, and the config files they read.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";

const WORKFLOWS = ["ci", "pr", "release"].map((name) => `.github/workflows/${name}.yml`);
const VALIDATOR = "node_modules/.bin/action-validator";

type Step = {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
};
type Workflow = {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    {
      steps: Step[];
      "runs-on"?: string;
      container?: string;
      strategy?: { matrix?: Record<string, unknown[]> };
    }
  >;
};
const load = (path: string) => parse(readFileSync(path, "utf8")) as Workflow;
const steps = (path: string) => Object.values(load(path).jobs).flatMap((job) => job.steps);
const validate = (path: string) => spawnSync(VALIDATOR, [path], { encoding: "utf8" });

for (const path of WORKFLOWS) {
  test(`${path} passes action-validator`, () => {
    const result = validate(path);
    assert.is(result.status, 0, result.stdout + result.stderr);
  });

  test(`${path}: every script and npm script it runs exists`, () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
      .scripts;
    const runs = steps(path).flatMap((step) => (step.run ? [step.run] : []));
    assert.ok(runs.length > 0);
    for (const run of runs) {
      for (const [file] of run.matchAll(/(?:scripts|\.github)\/[\w./-]+\.(?:ts|mjs|sh|yml)/g)) {
        assert.ok(existsSync(file), `${path} runs ${file}, which does not exist`);
      }
      for (const [, name] of run.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) {
        assert.ok(scripts[name as string], `${path} runs npm script ${name}, which package.json lacks`);
      }
    }
  });
}

test("action-validator rejects a broken workflow (the check can fail)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tabula-workflow-"));
  try {
    const broken = readFileSync(WORKFLOWS[0] as string, "utf8").replace(
      "runs-on: ubuntu-24.04",
      "runs_on: ubuntu-24.04",
    );
    writeFileSync(join(dir, "ci.yml"), broken);
    const result = validate(join(dir, "ci.yml"));
    assert.is.not(result.status, 0);
    assert.match(result.stdout + result.stderr, /runs-on/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ci: setup.sh, lint, type check, tests, repro with .repro/cache keyed by the lock, reports uploaded", () => {
  const all = steps(WORKFLOWS[0] as string);
  const runs = all.map((step) => step.run ?? "").join("\n");
  for (const command of [
    "bash scripts/setup.sh",
    "npm run lint",
    "npm run typecheck",
    "scripts/run-tests.mjs",
    "npm run repro",
  ]) {
    assert.ok(runs.includes(command), command);
  }
  const cache = all.find((step) => step.with?.path === ".repro/cache");
  assert.is(cache?.with?.key, `repro-$\{{ hashFiles('pipeline.lock') }}`);
  assert.ok(all.some((step) => step.uses?.startsWith("actions/upload-artifact@")));
});

test("pr: diffs against the base, gate, one sticky comment, then the failure; may write PR comments", () => {
  const workflow = load(WORKFLOWS[1] as string);
  assert.is(workflow.permissions?.["pull-requests"], "write");
  const all = steps(WORKFLOWS[1] as string);
  const order = ["tabula metrics diff", "regression-gate.ts", "pr-comment.ts", "sticky-comment.ts"].map(
    (needle) => all.findIndex((step) => step.run?.includes(needle)),
  );
  assert.ok(
    order.every((index, i) => index >= 0 && (i === 0 || index > (order[i - 1] as number))),
    `${order}`,
  );
  assert.ok(all.find((step) => step.id === "gate")?.run?.includes("--labels"));
  assert.is(all.at(-1)?.if, "steps.gate.outcome == 'failure'");
});

test("release: image with the model version label, production pinned by digest, smoke test, rollback on failure", () => {
  const all = steps(WORKFLOWS[2] as string);
  const build = all.find((step) => step.uses?.startsWith("docker/build-push-action@"));
  assert.match(build?.with?.labels ?? "", `dev.tabula.model.version=$\{{ steps.model.outputs.version }}`);
  const runs = all.map((step) => step.run ?? "").join("\n");
  assert.match(runs, 'set-kustomize-image.ts k8s/overlays/production tabula "$IMAGE@$DIGEST"');
  assert.match(runs, "npm run smoke -- --url");
  const rollback = all.find((step) => step.run?.includes("rollout undo"));
  assert.match(rollback?.if ?? "", "failure()");
});

test("release: setup (Jupyter, the kernel) and kubectl before repro; the image for linux/amd64 and linux/arm64", () => {
  const all = steps(WORKFLOWS[2] as string);
  const at = (text: string) => all.findIndex((step) => step.run?.includes(text));
  assert.ok(
    at("bash scripts/setup.sh") >= 0 && at("bash scripts/setup.sh") < at("npm run repro"),
    "setup before repro",
  );
  assert.ok(
    at("install-kubectl.sh") >= 0 && at("install-kubectl.sh") < at("kubectl kustomize"),
    "kubectl installed",
  );
  const build = all.find((step) => step.uses?.startsWith("docker/build-push-action@"));
  assert.equal(build?.with?.platforms?.split(",").sort(), ["linux/amd64", "linux/arm64"]);
  assert.ok(
    all.some((step) => step.uses?.startsWith("docker/setup-qemu-action@")),
    "QEMU for the arm64 build",
  );
});

test("ci: Node 22, 24 and 26 on Linux x64 with every tool required; macOS arm64 and Linux arm64 beside", () => {
  const jobs = load(WORKFLOWS[0] as string).jobs;
  assert.equal(jobs.test?.strategy?.matrix?.node, [22, 24, 26]);
  assert.match(jobs.test?.container ?? "", `node:$\{{ matrix.node }}-`);
  const testRuns = (jobs.test?.steps ?? []).find((step) => step.run?.includes("run-tests.mjs")) as Step & {
    env?: Record<string, string>;
  };
  assert.is(testRuns?.env?.TABULA_REQUIRE_TOOLS, "1");
  assert.equal(jobs.platforms?.strategy?.matrix?.runner, ["macos-latest", "ubuntu-24.04-arm"]);
});

test("no workflow, Dockerfile or README runs or recommends Node 20 (end of life April 2026)", () => {
  for (const file of [...WORKFLOWS, "Dockerfile", "README.md", "serve/README.md", "k8s/README.md"]) {
    const text = readFileSync(file, "utf8");
    assert.not.match(
      text,
      /node-version:\s*['"]?20\b|node:20\b|Node(?:\.js)? 20\b(?! reached end of life)/,
      file,
    );
  }
});

test.run();
