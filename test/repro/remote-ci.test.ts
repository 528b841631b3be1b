// CI and the team remote: the workflows pull before repro and push after it on main, with the credentials from
// repository secrets, and scripts/ci/team-remote.sh turns all that off cleanly when the secrets are absent (forks).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { engineRoot, project, read, removeProjects } from "./helpers.js";

type Step = { name?: string; id?: string; run?: string; if?: string; env?: Record<string, string> };
type Workflow = { jobs: Record<string, { steps: Step[] }> };

const stepsOf = (name: string, job: string): Step[] =>
  (parse(readFileSync(join(engineRoot, `.github/workflows/${name}.yml`), "utf8")) as Workflow).jobs[job]
    ?.steps ?? [];

const SCRIPT = join(engineRoot, "scripts/ci/team-remote.sh");
const CLI = `${process.execPath} --import ${join(engineRoot, "node_modules/tsx/dist/loader.mjs")} ${join(engineRoot, "src/cli/main.ts")}`;

function teamRemote(dir: string, env: Record<string, string>) {
  const output = join(dir, "github-output");
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AWS_|REMOTE_URL|ENDPOINT|REGION|TABULA_REMOTE)/.test(key),
    ),
  );
  const result = spawnSync("bash", [SCRIPT], {
    cwd: dir,
    encoding: "utf8",
    env: { ...clean, GITHUB_OUTPUT: output, TABULA_CLI: CLI, ...env },
  });
  return { ...result, githubOutput: existsSync(output) ? readFileSync(output, "utf8") : "" };
}

test.after(() => removeProjects());

for (const [workflow, job] of [
  ["ci", "test"],
  ["pr", "metrics"],
  ["release", "release"],
] as const) {
  test(`${workflow}: team remote configured, pulled before repro (repro --pull), credentials from secrets`, () => {
    const steps = stepsOf(workflow, job);
    assert.ok(steps.length > 0, `${workflow} has a ${job} job`);
    const at = (needle: string) => steps.findIndex((step) => step.run?.includes(needle));
    const configure = steps[at("scripts/ci/team-remote.sh")];
    const pull = steps[at("tabula pull")];
    const repro = steps[at("npm run repro")];
    assert.ok(configure && pull && repro);
    assert.ok(at("team-remote.sh") < at("tabula pull") && at("tabula pull") < at("npm run repro"));
    assert.is(configure.id, "remote");
    assert.match(pull.if ?? "", "steps.remote.outputs.enabled == 'true'");
    assert.match(repro.run ?? "", "npm run repro -- $PULL");
    assert.match(repro.env?.PULL ?? "", "steps.remote.outputs.enabled == 'true' && '--pull'");
    for (const step of [configure, pull, repro]) {
      assert.is(step.env?.AWS_ACCESS_KEY_ID, `$\{{ secrets.AWS_ACCESS_KEY_ID }}`);
      assert.is(step.env?.AWS_SECRET_ACCESS_KEY, `$\{{ secrets.AWS_SECRET_ACCESS_KEY }}`);
    }
    assert.match(configure.env?.REMOTE_URL ?? "", "secrets.TABULA_REMOTE");
  });
}

test("ci pushes after repro, only for a push to main; pull requests and releases never push", () => {
  const steps = stepsOf("ci", "test");
  const push = steps.findIndex((step) => step.run?.includes("tabula push"));
  assert.ok(push > steps.findIndex((step) => step.run?.includes("npm run repro")));
  const condition = steps[push]?.if ?? "";
  for (const part of [
    "steps.remote.outputs.enabled == 'true'",
    "github.event_name == 'push'",
    "refs/heads/main",
  ])
    assert.match(condition, part);
  for (const [workflow, job] of [
    ["pr", "metrics"],
    ["release", "release"],
  ] as const)
    assert.not.ok(
      stepsOf(workflow, job).some((step) => step.run?.includes("tabula push")),
      workflow,
    );
});

test("team-remote.sh without the secrets (a fork): skips, says which are missing, configures nothing", () => {
  const dir = project({ "pipeline.yaml": 'stages:\n  a:\n    cmd: "true"\n' });
  const result = teamRemote(dir, { AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "" });
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /team remote: skipped, AWS_SECRET_ACCESS_KEY REMOTE_URL not set/);
  assert.is(result.githubOutput, "");
  assert.not.ok(existsSync(join(dir, ".tabula")));
});

test("team-remote.sh with the secrets: the remote is this checkout's local default, endpoint and region set", () => {
  const dir = project({ "pipeline.yaml": 'stages:\n  a:\n    cmd: "true"\n' });
  const result = teamRemote(dir, {
    AWS_ACCESS_KEY_ID: "AKIA",
    AWS_SECRET_ACCESS_KEY: "secret",
    REMOTE_URL: "s3://team-bucket/tabula",
    ENDPOINT: "http://minio.internal:9000",
    REGION: "",
  });
  assert.is(result.status, 0, result.stdout + result.stderr);
  assert.is(result.githubOutput, "enabled=true\n");
  const config = read(dir, ".tabula/config.local.yaml");
  assert.match(config, /ci:\n\s+url: s3:\/\/team-bucket\/tabula\n\s+endpoint: http:\/\/minio.internal:9000/);
  assert.match(config, /core:\n\s+remote: ci/);
  assert.not.match(config, /region|AKIA|secret/, "no empty region, never a credential");
});

test.run();
