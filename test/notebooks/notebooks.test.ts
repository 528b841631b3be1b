// Executes the committed notebooks through a real Jupyter kernel (nbconvert + tslab), as the report stage does,
// and fails on any error output. Needs Jupyter and the tslab kernel (scripts/setup.sh); without them this fails
// rather than skips, so CI cannot pass without running the notebooks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  cellErrors,
  type ExecutedNotebook,
  executeNotebook,
  formatNotebookError,
} from "../../src/notebook/execute.js";

const NOTEBOOKS = ["notebooks/eda.ipynb"];

function notebookJson(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: cells.map((source, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

// Start every kernel at once: each run is mostly kernel start-up and TypeScript loading.
const brokenDir = mkdtempSync(join(tmpdir(), "tabula-nb-"));
writeFileSync(
  join(brokenDir, "broken.ipynb"),
  notebookJson(["const fine: number = 1;", "const wrong: number = 'text';", "const never = 'not run';"]),
);
const runs = new Map(NOTEBOOKS.map((path) => [path, executeNotebook(path)]));
const broken = executeNotebook(join(brokenDir, "broken.ipynb"));

for (const path of NOTEBOOKS) {
  test(`${path} is committed without outputs`, () => {
    const notebook = JSON.parse(readFileSync(path, "utf8")) as ExecutedNotebook & {
      metadata: { kernelspec?: { name?: string } };
    };
    assert.is(notebook.metadata.kernelspec?.name, "tslab");
    for (const cell of notebook.cells as {
      cell_type: string;
      outputs?: unknown[];
      execution_count?: unknown;
    }[]) {
      if (cell.cell_type !== "code") continue;
      assert.equal(cell.outputs, [], "no outputs");
      assert.is(cell.execution_count, null, "never executed");
    }
  });

  test(`${path} runs through the tslab kernel without an error and shows its charts`, async () => {
    const result = await (runs.get(path) as ReturnType<typeof executeNotebook>);
    if (!result.ok) assert.unreachable(formatNotebookError(result.error));
    else {
      const outputs = result.notebook.cells.flatMap(
        (cell) => (cell as { outputs?: { data?: Record<string, unknown> }[] }).outputs ?? [],
      );
      const svgs = outputs.filter((output) => output.data?.["image/svg+xml"] !== undefined);
      assert.ok(svgs.length >= 5, `expected charts, got ${svgs.length} SVG outputs`);
      for (const svg of svgs) assert.match(String(svg.data?.["image/svg+xml"]), /^<svg[^>]*>[\s\S]*<path/);
    }
  });
}

// tslab reports both TypeScript errors and thrown exceptions as stderr text (not error outputs), and the kernel
// skips the cells after a failing one.
test("a cell that does not type-check fails the run, named by its cell", async () => {
  const result = await broken;
  assert.is(result.ok, false);
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

test.after(() => rmSync(brokenDir, { recursive: true, force: true }));

test.run();
