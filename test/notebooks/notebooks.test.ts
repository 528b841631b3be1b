// The notebooks through a real Jupyter kernel (nbconvert + tslab), the way `tabula repro` runs them: a copy of
// this project gets small, fast pipeline outputs, then its `report` stage executes both committed notebooks into
// HTML and fails on any cell error. Needs Jupyter and the tslab kernel (scripts/setup.sh); without them this
// fails rather than skips, so CI cannot pass without running the notebooks.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyWorkspace } from "../../src/exp/workspace-copy.js";
import {
  cellErrors,
  type ExecutedNotebook,
  executeNotebook,
  formatNotebookError,
} from "../../src/notebook/execute.js";
import { repro, status } from "../../src/repro/index.js";

const NOTEBOOKS = ["notebooks/eda.ipynb", "notebooks/model-analysis.ipynb"];
// Inside the project's (git-ignored) .repro/, like an experiment's copy: the kernel's TypeScript then reaches the
// project's node_modules as an ancestor, which its declaration emit needs to name library types.
mkdirSync(".repro", { recursive: true });
const work = mkdtempSync(join(".repro", "test-notebooks-"));
const project = copyWorkspace(process.cwd(), join(work, "project")).dir;

// The notebooks need the pipeline's outputs to exist, not a good model: a few shallow trees tune in seconds.
const SMALL_MODEL = {
  "model.type": "gbt",
  "model.threads": 1,
  "tune.trials": 3,
  "tune.folds": 2,
  "tune.jobs": 1,
  "tune.startup_trials": 3,
  "tune.space.gbt": {
    n_estimators: { type: "int", low: 5, high: 20 },
    max_depth: { type: "int", low: 2, high: 3 },
    learning_rate: { type: "log_uniform", low: 0.05, high: 0.3 },
  },
};

const reproReport = () =>
  repro({
    cwd: project,
    stages: ["report"],
    cacheDir: join(work, "cache"),
    setParams: SMALL_MODEL,
    jobs: 2,
    handleSignals: false,
  });

// A notebook that does not type-check, run in parallel with the pipeline: tslab reports TypeScript errors (and
// thrown exceptions) as stderr text rather than error outputs, and skips the cells after a failing one.
writeFileSync(
  join(work, "broken.ipynb"),
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tabula", display_name: "TypeScript (tabula)", language: "typescript" } },
    cells: ["const fine: number = 1;", "const wrong: number = 'text';", "const never = 'not run';"].map(
      (source, i) => ({
        id: `c${i}`,
        cell_type: "code",
        metadata: {},
        execution_count: null,
        outputs: [],
        source,
      }),
    ),
  }),
);
const broken = executeNotebook(join(work, "broken.ipynb"));
const first = reproReport();

test.after(() => rmSync(work, { recursive: true, force: true }));

for (const path of NOTEBOOKS) {
  test(`${path} is committed without outputs, for the tabula kernel`, () => {
    const notebook = JSON.parse(readFileSync(path, "utf8")) as {
      metadata: { kernelspec?: { name?: string } };
      cells: { cell_type: string; outputs?: unknown[]; execution_count?: unknown }[];
    };
    assert.is(notebook.metadata.kernelspec?.name, "tabula");
    for (const cell of notebook.cells.filter((cell) => cell.cell_type === "code")) {
      assert.equal(cell.outputs, [], "no outputs");
      assert.is(cell.execution_count, null, "never executed");
    }
  });
}

test("the report stage runs both notebooks without an error into HTML reports with their charts", async () => {
  const result = await first;
  if (!result.ok) {
    const failed = result.stages.find((stage) => stage.outcome.kind === "failed");
    const tail = failed?.outcome.kind === "failed" ? failed.outcome.outputTail.join("\n") : "";
    assert.unreachable(`${result.error.kind}: ${tail}`);
  }
  const report = result.stages.find((stage) => stage.stage === "report");
  assert.is(report?.outcome.kind, "ran");
  for (const [name, minimumCharts] of [
    ["eda", 8],
    ["model-analysis", 7],
  ] as const) {
    const html = readFileSync(join(project, "reports", `${name}.html`), "utf8");
    const charts = html.match(/data-mime-type="image\/svg\+xml">\s*<svg[^>]*>[\s\S]*?<\/svg>/g) ?? [];
    assert.ok(charts.length >= minimumCharts, `${name}: ${charts.length} charts`);
    for (const chart of charts) assert.match(chart, /<path/, "the template keeps the SVG's elements");
    assert.not.match(html, /data-mime-type="application\/vnd\.jupyter\.stderr"/);
  }
});

test("the report stage reruns only when one of its deps changes", async () => {
  const again = await reproReport();
  assert.ok(again.ok);
  assert.is(again.stages.find((stage) => stage.stage === "report")?.outcome.kind, "up-to-date");
  const reportState = async () => {
    const statuses = await status({ cwd: project, stages: ["report"] });
    if (!statuses.ok) return assert.unreachable(statuses.error.kind);
    return statuses.value.find((entry) => entry.stage === "report");
  };
  appendFileSync(join(project, "README.md"), "\nnot a dependency of the report\n");
  // The champion stage is always_changed: it reruns every time, and what follows it only if its output changes;
  // the report itself has no reason to run.
  const unchanged = await reportState();
  assert.ok(unchanged?.state !== "stale" && unchanged?.reasons.length === 0, JSON.stringify(unchanged));
  appendFileSync(join(project, "notebooks/eda.ipynb"), "\n");
  const stale = await reportState();
  assert.is(stale?.state, "stale");
  assert.match(JSON.stringify(stale?.reasons), /notebooks\/eda\.ipynb/);
  assert.ok(existsSync(join(project, "reports", "eda.html")));
});

test("a cell that does not type-check fails the run, named by its cell", async () => {
  const result = await broken;
  if (result.ok || result.error.kind !== "cell-errors") return assert.unreachable(JSON.stringify(result));
  assert.equal(
    result.error.cells.map((cell) => cell.cell),
    [2],
  );
  assert.match(result.error.cells[0]?.message ?? "", /not assignable to type 'number'/);
  assert.match(formatNotebookError(result.error), /broken\.ipynb, code cell 2: .*not assignable/);
});

test("cellErrors finds error outputs and stderr streams, not stdout or display data", () => {
  const notebook: ExecutedNotebook = {
    cells: [
      { cell_type: "markdown", source: "# title" },
      { cell_type: "code", source: "ok", outputs: [{ output_type: "stream", name: "stdout", text: "fine" }] },
      {
        cell_type: "code",
        source: "a",
        outputs: [{ output_type: "error", ename: "TypeError", evalue: "x" }],
      },
      {
        cell_type: "code",
        source: "b",
        outputs: [{ output_type: "stream", name: "stderr", text: ["1:1 - bad\n"] }],
      },
      {
        cell_type: "code",
        source: "c",
        outputs: [{ output_type: "display_data", data: { "text/html": "<b>" } }],
      },
    ],
  };
  assert.equal(cellErrors(notebook), [
    { cell: 2, source: "a", message: "TypeError: x" },
    { cell: 3, source: "b", message: "1:1 - bad" },
  ]);
});

test.run();
