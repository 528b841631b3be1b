// The scripts the workflows call, run here as the workflows run them: the regression gate and the comment
// formatter on a fixture diff, the sticky comment against a local stand-in of the GitHub comments API, and the
// image pinning on a copy of k8s/ rendered with the real kubectl.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { COMMENT_MARKER, formatComment } from "../../scripts/ci/pr-comment.js";
import {
  GateConfigSchema,
  gateMarkdown,
  type MetricsDiff,
  MetricsDiffSchema,
  runGate,
} from "../../scripts/ci/regression-gate.js";
import { parseImageRef, setImage } from "../../scripts/ci/set-kustomize-image.js";
import { upsertComment } from "../../scripts/ci/sticky-comment.js";
import { gated, missingKubectl } from "../support/skip.js";
import { kustomize, ofKind } from "./support/kustomize.js";

const FIXTURES = "test/deploy/fixtures";
const diff = MetricsDiffSchema.parse(JSON.parse(readFileSync(`${FIXTURES}/metrics-diff.json`, "utf8")));
const config = GateConfigSchema.parse(parse(readFileSync(".github/regression-gate.yml", "utf8")));
const verdictOf = (result: ReturnType<typeof runGate>, metric: string) =>
  result.verdicts.find((v) => v.metric === `metrics/evaluate.json:${metric}`)?.status;

function withChange(key: string, old: number, now: number): MetricsDiff {
  return { ...diff, changes: [{ path: "metrics/evaluate.json", key, old, new: now }] };
}

test("gate: MSE 9.14% worse fails (tolerance 5%); MAE 2.1% worse is within; R² better passes", () => {
  const result = runGate(diff, config, []);
  assert.is(result.passed, false);
  assert.is(verdictOf(result, "metrics.mse"), "regressed");
  assert.is(verdictOf(result, "metrics.mae"), "ok");
  assert.is(verdictOf(result, "metrics.r2"), "improved");
  assert.match(gateMarkdown(result, config), "❌ **Regression gate: failed.**");
  assert.match(
    gateMarkdown(result, config),
    "| `metrics/evaluate.json:metrics.mse` | ❌ regressed | 9.538145015057635 → 10.41 (worse by 0.8719, 9.14%; tolerance 5.00%) |",
  );
});

test("gate: the override label turns a failure into a pass that says so", () => {
  const result = runGate(diff, config, ["documentation", config.override_label]);
  assert.is(result.passed, true);
  assert.is(result.overridden, true);
  assert.match(
    gateMarkdown(result, config),
    "⚠️ **Regression gate: overridden** by the `metrics-regression-ok` label.",
  );
});

test("gate: higher-is-better with an absolute tolerance; unchanged, new and missing metrics", () => {
  assert.is(verdictOf(runGate(withChange("metrics.r2", 0.9, 0.885), config, []), "metrics.r2"), "regressed");
  assert.is(verdictOf(runGate(withChange("metrics.r2", 0.9, 0.895), config, []), "metrics.r2"), "ok");
  const unchanged = runGate({ ...diff, changes: [] }, config, []);
  assert.ok(unchanged.passed && unchanged.verdicts.every((v) => v.status === "unchanged"));
  const fresh: MetricsDiff = {
    ...diff,
    changes: [{ path: "metrics/evaluate.json", key: "metrics.mse", new: 3 }],
  };
  assert.is(verdictOf(runGate(fresh, config, []), "metrics.mse"), "new");
  const gone: MetricsDiff = {
    ...diff,
    changes: [{ path: "metrics/evaluate.json", key: "metrics.mse", old: 3 }],
  };
  const result = runGate(gone, config, []);
  assert.is(verdictOf(result, "metrics.mse"), "missing");
  assert.is(result.passed, false, "a gated metric that disappears fails the gate");
});

test("gate: a bad config is rejected naming the field", () => {
  const bad = { ...config, metrics: [{ metric: "metrics.mse", better: "lower", tolerance: {} }] };
  const parsed = GateConfigSchema.safeParse(bad);
  assert.not.ok(parsed.success);
  const messages = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  assert.ok(
    messages.some((m) => m.startsWith("metrics.0.metric: expected <file>:<key>")),
    messages.join("; "),
  );
  assert.ok(
    messages.some((m) => m === "metrics.0.tolerance: set relative or absolute"),
    messages.join("; "),
  );
});

test("gate CLI: exit 1 on a regression, 0 with the label, 2 on a bad input; writes the Markdown", () => {
  const dir = mkdtempSync(join(tmpdir(), "tabula-gate-"));
  try {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/ci/regression-gate.ts", ...args], {
        encoding: "utf8",
      });
    const markdown = join(dir, "gate.md");
    const failing = cli("--diff", `${FIXTURES}/metrics-diff.json`, "--markdown", markdown);
    assert.is(failing.status, 1, failing.stderr);
    assert.match(readFileSync(markdown, "utf8"), "Regression gate: failed");
    const overridden = cli(
      "--diff",
      `${FIXTURES}/metrics-diff.json`,
      "--labels",
      '["metrics-regression-ok"]',
    );
    assert.is(overridden.status, 0, overridden.stderr);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ revision: "main", changes: "none" }));
    const bad = cli("--diff", join(dir, "bad.json"));
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /regression-gate: .*bad\.json: changes: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("comment: the fixture diffs give exactly the expected comment", () => {
  const gate = gateMarkdown(runGate(diff, config, []), config);
  const body = formatComment({
    base: "main",
    head: "0123456789abcdef0123",
    metrics: readFileSync(`${FIXTURES}/metrics-diff.md`, "utf8"),
    params: readFileSync(`${FIXTURES}/params-diff.md`, "utf8"),
    gate,
  });
  assert.fixture(body, readFileSync(`${FIXTURES}/pr-comment.md`, "utf8"));
  const quiet = formatComment({ base: "main", head: "abc", metrics: "", params: "\n" });
  assert.ok(quiet.startsWith(COMMENT_MARKER));
  assert.match(quiet, "### Metrics\n\n_no metric changed_");
  assert.match(quiet, "### Params\n\n_no param changed_");
  assert.not.match(quiet, "Model API contract");
  const withContract = formatComment({
    base: "main",
    head: "abc",
    metrics: "",
    params: "",
    contract: "houses a → houses b: 1 contract change, 1 breaking\n  breaking    feature-removed: ...\n",
  });
  assert.match(
    withContract,
    "### Model API contract: candidate against production\n\n```text\nhouses a → houses b: 1 contract change, 1 breaking\n  breaking    feature-removed: ...\n```\n",
  );
});

// A stand-in for the three GitHub endpoints the sticky comment uses, holding comments in memory.
type Stored = { id: number; body: string };
async function fakeGitHub(
  seed: Stored[],
): Promise<{ server: Server; api: string; comments: Stored[]; calls: string[] }> {
  const comments = [...seed];
  const calls: string[] = [];
  const read = async (request: IncomingMessage) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    return JSON.parse(text) as { body: string };
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== "Bearer t0ken") return reply(401, { message: "Bad credentials" });
    const list = /^\/repos\/o\/r\/issues\/7\/comments$/.test(url.pathname);
    if (request.method === "GET" && list) {
      const page = Number(url.searchParams.get("page") ?? 1);
      const size = Number(url.searchParams.get("per_page") ?? 30);
      return reply(200, comments.slice((page - 1) * size, page * size));
    }
    if (request.method === "POST" && list) {
      const created = { id: 1000 + comments.length, body: (await read(request)).body };
      comments.push(created);
      return reply(201, created);
    }
    const one = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const existing = comments.find((c) => c.id === Number(one?.[1]));
    if (request.method === "PATCH" && existing) {
      existing.body = (await read(request)).body;
      return reply(200, existing);
    }
    reply(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const api = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { server, api, comments, calls };
}

test("sticky comment: created once, then updated in place, found past the first page of comments", async () => {
  const others = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, body: `comment ${i}` }));
  const github = await fakeGitHub(others);
  try {
    const target = { api: github.api, token: "t0ken", repo: "o/r", pr: 7 };
    const first = await upsertComment(target, `${COMMENT_MARKER}\nfirst`);
    assert.is(first.action, "created");
    const second = await upsertComment(target, `${COMMENT_MARKER}\nsecond`);
    assert.equal(second, { action: "updated", id: first.id });
    assert.is(github.comments.length, 131, "no duplicate comment");
    assert.is(github.comments.at(-1)?.body, `${COMMENT_MARKER}\nsecond`);
    assert.ok(
      github.calls.includes("GET /repos/o/r/issues/7/comments?per_page=100&page=2"),
      github.calls.join("\n"),
    );
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => "resolved",
        (error: Error) => error.message,
      );
    assert.match(
      await failure(upsertComment({ ...target, token: "wrong" }, `${COMMENT_MARKER}\nx`)),
      /401 .*Bad credentials/,
    );
    assert.match(await failure(upsertComment(target, "no marker")), /must start with the marker/);
  } finally {
    github.server.close();
  }
});

gated(test, missingKubectl())(
  "set-kustomize-image pins production to a digest; kubectl renders it; comments stay",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "tabula-k8s-"));
    try {
      cpSync("k8s", join(dir, "k8s"), { recursive: true });
      const file = join(dir, "k8s/overlays/production/kustomization.yaml");
      const digest = `sha256:${"ab".repeat(32)}`;
      const result = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/ci/set-kustomize-image.ts",
          join(dir, "k8s/overlays/production"),
          "tabula",
          `ghcr.io/acme/tabula@${digest}`,
        ],
        { encoding: "utf8" },
      );
      assert.is(result.status, 0, result.stderr);
      const text = readFileSync(file, "utf8");
      assert.match(text, "# Production: 3 to 10 replicas");
      const server = ofKind(kustomize(join(dir, "k8s/overlays/production")), "Deployment")[0];
      assert.is(server?.spec.template.spec.containers[0].image, `ghcr.io/acme/tabula@${digest}`);
      const tagged = setImage(text, "tabula", parseImageRef("registry.local:5000/tabula:1.2.3"));
      assert.match(tagged, /newName: registry\.local:5000\/tabula\n\s+newTag: 1\.2\.3/);
      assert.not.match(tagged, "digest:");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("set-kustomize-image refuses unpinned or malformed references", () => {
  assert.throws(() => parseImageRef("ghcr.io/acme/tabula:latest"), /not latest/);
  assert.throws(() => parseImageRef("ghcr.io/acme/tabula"), /give a tag or a digest/);
  assert.throws(() => parseImageRef("ghcr.io/acme/tabula@sha256:1234"), /64 lowercase hex/);
  assert.equal(parseImageRef(`a/b@sha256:${"0".repeat(64)}`), {
    newName: "a/b",
    digest: `sha256:${"0".repeat(64)}`,
  });
});

test.run();
