// The Dockerfile passes dockerfile-utils' linter (the VS Code Docker extension's) with every rule as an error, and
// holds what the deployment relies on: a replaceable Node 24 base, a non-root numeric user, a HEALTHCHECK on
// /readyz, settings the server knows, and build-context files that .dockerignore lets through.
import { readFileSync } from "node:fs";
import { ValidationSeverity, type ValidatorSettings, validate } from "dockerfile-utils";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CONFIG_VARIABLES } from "../../serve/config.js";

const dockerfile = readFileSync("Dockerfile", "utf8");
const ignore = readFileSync(".dockerignore", "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

const STRICT = Object.fromEntries(
  [
    "deprecatedMaintainer",
    "directiveCasing",
    "emptyContinuationLine",
    "instructionCasing",
    "instructionCmdMultiple",
    "instructionEntrypointMultiple",
    "instructionHealthcheckMultiple",
    "instructionJSONInSingleQuotes",
    "instructionWorkdirRelative",
  ].map((rule) => [rule, ValidationSeverity.ERROR]),
) as ValidatorSettings;

const lint = (text: string) => validate(text, STRICT).map((d) => `${d.range.start.line + 1}: ${d.message}`);

/** Instructions with their continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));
const stages = instructions.join("\n").split(/^(?=FROM )/m);
const finalStage = (name: string) =>
  stages.find((stage) => new RegExp(`^FROM \\S+ AS ${name}$`, "m").test(stage)) ?? "";

test("dockerfile-utils finds nothing wrong, and does find a broken copy's faults", () => {
  assert.equal(lint(dockerfile), []);
  const broken = dockerfile
    .replace("WORKDIR /app", "workdir app")
    .replace('CMD ["node", "dist/serve.js"]', "CMD ['node']");
  const found = lint(broken);
  assert.ok(
    found.some((d) => /uppercase/.test(d)),
    found.join("; "),
  );
  assert.ok(
    found.some((d) => /WORKDIR paths should be absolute/.test(d)),
    found.join("; "),
  );
  assert.ok(
    found.some((d) => /single quotes/.test(d)),
    found.join("; "),
  );
});

test("the base is node:24-slim unless NODE_IMAGE says otherwise; the stages build on it", () => {
  assert.ok(instructions.includes("ARG NODE_IMAGE=node:24-slim"));
  const froms = instructions.filter((line) => line.startsWith("FROM "));
  assert.equal(froms, [
    `FROM $\{NODE_IMAGE} AS build`,
    `FROM $\{NODE_IMAGE} AS runtime`,
    "FROM runtime AS with-model",
    "FROM build AS pipeline",
  ]);
  assert.not.match(dockerfile, /:latest\b/);
});

test("runtime: numeric non-root user, HEALTHCHECK on /readyz, only settings the server reads", () => {
  const runtime = finalStage("runtime");
  assert.match(runtime, /^USER 10001:10001$/m);
  assert.match(runtime, /^HEALTHCHECK .*\/readyz/m);
  assert.match(runtime, /^CMD \["node", "dist\/serve.js"\]$/m);
  const names = [...dockerfile.matchAll(/\b(SERVE_[A-Z_]+)=/g)].map((match) => match[1] as string);
  assert.ok(names.length >= 4);
  assert.equal(
    names.filter((name) => !CONFIG_VARIABLES.includes(name)),
    [],
  );
  assert.match(finalStage("with-model"), /^LABEL .*dev\.tabula\.model\.version="\$\{MODEL_VERSION\}"/m);
});

test(".dockerignore keeps node_modules and outputs out, and lets every COPY source in", () => {
  assert.is(ignore[0], "*", "an allowlist: everything is out unless listed");
  assert.not.ok(ignore.some((line) => /^!.*node_modules/.test(line)));
  const allowed = ignore
    .filter((line) => line.startsWith("!"))
    .map((line) => line.slice(1).replace(/\/$/, ""));
  const sources = instructions
    .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))
    .map((source) => source.replace(/\/$/, "").replace(/\$\{[A-Z_]+\}.*$/, ""));
  assert.ok(sources.length >= 8);
  for (const source of sources) {
    const root = source.replace(/\/$/, "");
    assert.ok(
      allowed.some((entry) => root === entry || root.startsWith(`${entry}/`)),
      `COPY ${source} is not let through by .dockerignore`,
    );
  }
});

test.run();
