import { test } from "uvu";
import * as assert from "uvu/assert";
import { project, read, removeProjects, runRepro } from "./helpers.js";

// Each stage records when it started and ended (ns since the epoch) in its output, so overlaps can be checked
// without timing assertions.
const timed = (name: string, extra = "") =>
  `  ${name}:\n    cmd: echo "$(date +%s%N)" > ${name}.txt && sleep 0.3 && echo "$(date +%s%N)" >> ${name}.txt${extra}\n    outs: [${name}.txt]\n`;

function intervals(dir: string, names: string[]): [number, number][] {
  return names.map((name) => {
    const [start, end] = read(dir, `${name}.txt`).trim().split("\n").map(Number);
    return [start as number, end as number];
  });
}

/** The largest number of intervals open at the same moment. */
function maxOverlap(spans: [number, number][]): number {
  const points = spans.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  points.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let open = 0;
  let max = 0;
  for (const [, delta] of points) {
    open += delta as number;
    max = Math.max(max, open);
  }
  return max;
}

test.after(removeProjects);

test("independent stages run at the same time, never more than --jobs", async () => {
  const names = ["a", "b", "c", "d"];
  const dir = project({ "pipeline.yaml": `stages:\n${names.map((name) => timed(name)).join("")}` });
  const two = await runRepro(dir, { jobs: 2 });
  assert.equal(two.ran.sort(), names);
  assert.is(maxOverlap(intervals(dir, names)), 2);
  const one = await runRepro(dir, { jobs: 1, force: true });
  assert.equal(one.ran.sort(), names);
  assert.is(maxOverlap(intervals(dir, names)), 1);
});

test("a stage starts only after everything it depends on has finished", async () => {
  const dir = project({
    "pipeline.yaml": `stages:\n${timed("a")}${timed("b")}  c:\n    cmd: cat a.txt b.txt > c.txt && echo "$(date +%s%N)" >> c.txt\n    deps: [a.txt, b.txt]\n    outs: [c.txt]\n`,
  });
  await runRepro(dir, { jobs: 4 });
  const [a, b] = intervals(dir, ["a", "b"]);
  const cStart = Number(read(dir, "c.txt").trim().split("\n").at(-1));
  assert.ok(cStart >= Math.max(a?.[1] ?? 0, b?.[1] ?? 0));
});

test("concurrent stages' output lines are attributed to the right stage", async () => {
  const dir = project({
    "pipeline.yaml": `stages:
  x:
    cmd: for i in 1 2 3; do echo x$i; sleep 0.05; done >&2; touch x.txt
    outs: [x.txt]
  y:
    cmd: for i in 1 2 3; do echo y$i; sleep 0.05; done; touch y.txt
    outs: [y.txt]
`,
  });
  const run = await runRepro(dir, { jobs: 2 });
  const lines = run.events.flatMap((e) =>
    e.type === "stage-output" ? [`${e.stage}:${e.stream}:${e.line}`] : [],
  );
  assert.equal(
    lines.filter((line) => line.startsWith("x:")),
    ["x:stderr:x1", "x:stderr:x2", "x:stderr:x3"],
  );
  assert.equal(
    lines.filter((line) => line.startsWith("y:")),
    ["y:stdout:y1", "y:stdout:y2", "y:stdout:y3"],
  );
});

const FAILING = `stages:
  bad:
    cmd: exit 5
    outs: [bad.txt]
  after-bad:
    cmd: cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  good:
    cmd: echo ok > good.txt
    outs: [good.txt]
`;

test("without --keep-going a failure stops the run: nothing else is started", async () => {
  const dir = project({ "pipeline.yaml": FAILING });
  const run = await runRepro(dir, { jobs: 1 });
  assert.equal(run.result.ok ? undefined : run.result.error, {
    kind: "stage-failed",
    stage: "bad",
    exitCode: 5,
    signal: null,
  });
  assert.equal(
    run.result.stages.map((s) => [s.stage, s.outcome.kind]),
    [
      ["bad", "failed"],
      ["after-bad", "not-started"],
      ["good", "not-started"],
    ],
  );
});

test("--keep-going: a failure skips only its dependents", async () => {
  const dir = project({ "pipeline.yaml": FAILING });
  const run = await runRepro(dir, { jobs: 1, keepGoing: true });
  assert.not.ok(run.result.ok);
  assert.equal(run.ran, ["good"]);
  assert.equal(run.outcomes.get("after-bad"), { kind: "skipped-upstream-failed", upstream: "bad" });
  assert.is(read(dir, "good.txt"), "ok\n");
});

test.run();
