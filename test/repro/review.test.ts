import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatError } from "../../src/repro/errors.js";
import { metricsDiff, metricsDiffTable, metricsShow } from "../../src/repro/review/metrics.js";
import { paramsDiff, paramsDiffTable } from "../../src/repro/review/params-diff.js";
import { renderMarkdown } from "../../src/repro/review/table.js";
import { why } from "../../src/repro/why.js";
import { project, removeProjects, runRepro, writeFiles } from "./helpers.js";

// evaluate writes metrics computed from params, so a params change moves the metrics.
const PIPELINE = `stages:
  evaluate:
    cmd: >-
      mkdir -p metrics && lr=$(sed -n 's/ *lr: //p' params.yaml) &&
      printf '{"mse": %s, "r2": 0.9, "detail": {"rows": 102, "model": "gbt"}, "trials": [1, 2]}' "$lr" > metrics/evaluate.json
    deps: [data]
    params: [train]
    metrics: [metrics/evaluate.json]
`;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function repoWithHistory(): Promise<string> {
  const dir = project({
    "pipeline.yaml": PIPELINE,
    "params.yaml": "train:\n  lr: 8\n  depth: 4\n",
    "data/a.csv": "x\n1\n",
  });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "test@example.com");
  git(dir, "config", "user.name", "Test");
  await runRepro(dir);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "baseline");
  writeFiles(dir, { "params.yaml": "train:\n  lr: 6\n  depth: 4\n" });
  await runRepro(dir);
  return dir;
}

test.after(removeProjects);

test("metrics diff against HEAD: old, new, absolute and relative change, only what changed", async () => {
  const dir = await repoWithHistory();
  const diff = await metricsDiff({ cwd: dir });
  assert.ok(diff.ok, diff.ok ? "" : formatError(diff.error));
  if (!diff.ok) return;
  assert.equal(diff.value.changes, [
    { path: "metrics/evaluate.json", key: "mse", old: 8, new: 6, change: -2, relative: -0.25 },
  ]);
  assert.is(
    renderMarkdown(metricsDiffTable(diff.value, 5)),
    "| Path | Metric | HEAD | workspace | Change | % |\n|:---|:---|---:|---:|---:|---:|\n| metrics/evaluate.json | mse | 8 | 6 | -2 | -25 % |\n",
  );
  const all = await metricsDiff({ cwd: dir, revision: "main", all: true });
  assert.equal(
    all.ok && all.value.changes.map((c) => c.key),
    ["mse", "r2", "detail.rows", "detail.model"],
    "nested keys are dotted; lists are not metrics",
  );
});

test("metrics show lists every metrics file, flattened", async () => {
  const dir = await repoWithHistory();
  const shown = await metricsShow({ cwd: dir });
  assert.ok(shown.ok);
  if (!shown.ok) return;
  assert.equal(Object.fromEntries(shown.value[0]?.values ?? []), {
    mse: 6,
    r2: 0.9,
    "detail.rows": 102,
    "detail.model": "gbt",
  });
});

test("params diff against a commit lists the changed keys", async () => {
  const dir = await repoWithHistory();
  const diff = await paramsDiff({ cwd: dir, revision: "HEAD" });
  assert.ok(diff.ok);
  if (!diff.ok) return;
  assert.equal(diff.value.changes, [
    { path: "params.yaml", key: "train.lr", old: 8, new: 6, change: -2, relative: -0.25 },
  ]);
  assert.is(
    renderMarkdown(paramsDiffTable(diff.value, 5)),
    "| Path | Param | HEAD | workspace |\n|:---|:---|---:|---:|\n| params.yaml | train.lr | 8 | 6 |\n",
  );
});

test("a metrics file that did not exist at the revision is shown as new, with a note", async () => {
  const dir = project({ "pipeline.yaml": PIPELINE, "params.yaml": "train:\n  lr: 1\n", "data/a.csv": "x\n" });
  git(dir, "init", "-q");
  git(dir, "-c", "user.email=t@e", "-c", "user.name=T", "commit", "-q", "--allow-empty", "-m", "empty");
  await runRepro(dir);
  const diff = await metricsDiff({ cwd: dir });
  assert.ok(diff.ok);
  if (!diff.ok) return;
  assert.equal(diff.value.notes, ["metrics/evaluate.json: missing at HEAD"]);
  assert.equal(diff.value.changes[0], { path: "metrics/evaluate.json", key: "mse", old: undefined, new: 1 });
});

test("clear errors: not a git repository, unknown revision, revision outside a shallow clone", async () => {
  const plain = project({
    "pipeline.yaml": PIPELINE,
    "params.yaml": "train:\n  lr: 1\n",
    "data/a.csv": "x\n",
  });
  const outside = await metricsDiff({ cwd: plain });
  assert.is(outside.ok ? "" : outside.error.kind, "not-a-git-repo");
  assert.match(outside.ok ? "" : formatError(outside.error), /is not inside a git repository$/);

  const dir = await repoWithHistory();
  const unknown = await metricsDiff({ cwd: dir, revision: "no-such-branch" });
  assert.is(
    unknown.ok ? "" : formatError(unknown.error),
    'unknown git revision "no-such-branch": no such commit, branch or tag',
  );

  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "second");
  const clone = join(project({}), "clone");
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${dir}`, clone], { stdio: "ignore" });
  const shallow = await metricsDiff({ cwd: clone, revision: "HEAD~1" });
  assert.is(shallow.ok ? "" : shallow.error.kind, "git-revision");
  assert.match(shallow.ok ? "" : formatError(shallow.error), /is not in this shallow clone; fetch it first/);
  const ok = await metricsDiff({ cwd: clone });
  assert.ok(ok.ok, "HEAD itself is available in a shallow clone");
});

test("why: each reason with old and new values, down to the files of a directory dep", async () => {
  const dir = await repoWithHistory();
  writeFiles(dir, {
    "params.yaml": "train:\n  lr: 5\n  depth: 4\n",
    "data/a.csv": "x\n2\n",
    "data/b.csv": "new\n",
    "pipeline.yaml": PIPELINE.replace("mkdir -p metrics &&", "mkdir -p metrics  &&"),
  });
  const report = await why({ cwd: dir, stage: "evaluate" });
  assert.ok(report.ok);
  if (!report.ok) return;
  const kinds = report.value.explanations.map((e) => e.reason.kind);
  assert.equal(kinds, ["cmd-changed", "dep-changed", "param-changed"]);
  const dep = report.value.explanations[1];
  assert.equal(dep?.files, { added: ["b.csv"], removed: [], modified: ["a.csv"] });
  assert.match(dep?.text ?? "", /^dependency data changed: [0-9a-f]{8} → [0-9a-f]{8} \(1 → 2 files\)$/);
  assert.is(report.value.explanations[2]?.text, "param train.lr: 6 → 5 (params.yaml)");
  const unknown = await why({ cwd: dir, stage: "nope" });
  assert.is(unknown.ok ? "" : unknown.error.kind, "unknown-stage");
});

test.run();
