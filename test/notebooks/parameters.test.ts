// Papermill-style parameters: the injected cell follows the `parameters` cell and assigns the run's values; a name
// the cell does not declare, a const, or a value of another type than the default is refused, naming it.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  declaredParameters,
  formatParameterError,
  injectParameters,
  type ParameterizableNotebook,
  parseParameterValue,
} from "../../src/notebook/parameters.js";

const notebook = (parameters: string): ParameterizableNotebook => ({
  cells: [
    { cell_type: "markdown", source: "# Title" },
    { cell_type: "code", source: parameters, metadata: { tags: ["parameters"] }, outputs: [] },
    { cell_type: "code", source: "console.log(path, rows);", metadata: {}, outputs: [] },
  ],
  metadata: {},
});
const PARAMETERS =
  'let path = "data/raw.csv"; // the input\nlet rows = 100;\nconst fixed = 3;\nlet anything: string[] = [];\n';

test("the values are assigned in a cell right after the parameters cell, tagged injected-parameters", () => {
  const injected = injectParameters(notebook(PARAMETERS), { path: "other.csv", rows: 5 }, "n.ipynb");
  assert.ok(injected.ok);
  if (!injected.ok) return;
  const cell = injected.value.cells[2];
  assert.equal(cell?.metadata?.tags, ["injected-parameters"]);
  assert.is(
    ([cell?.source ?? []].flat() as string[]).join(""),
    '// Parameters of this run\npath = "other.csv";\nrows = 5;',
  );
  assert.is(injected.value.cells.length, 4);
  assert.is(injected.value.cells[3]?.source, "console.log(path, rows);");
});

test("declared parameters are read from the parameters cell", () => {
  assert.equal(declaredParameters(notebook(PARAMETERS)), ["path", "rows", "fixed", "anything"]);
  assert.equal(declaredParameters({ cells: [] }), []);
});

test("unknown names, consts, wrong types and a missing parameters cell are refused, naming what and why", () => {
  const message = (values: Record<string, unknown>, nb = notebook(PARAMETERS)) => {
    const result = injectParameters(nb, values as never, "n.ipynb");
    return result.ok ? "accepted" : formatParameterError(result.error);
  };
  assert.is(
    message({ pth: "x" }),
    'n.ipynb: no parameter "pth" (the parameters cell declares: path, rows, fixed, anything)',
  );
  assert.is(
    message({ fixed: 4 }),
    'n.ipynb: parameters cell line 3: "fixed" must be declared with let to be overridden',
  );
  assert.is(
    message({ rows: "many" }),
    'n.ipynb: parameter "rows" is a number (its default\'s type), got a string',
  );
  assert.is(message({ anything: ["a"] }), "accepted", "an annotated parameter takes any value");
  assert.is(
    message({ path: "x" }, { cells: [{ cell_type: "code", source: "let path = 1;" }] }),
    'n.ipynb: no code cell tagged "parameters" to take parameters',
  );
});

test("command-line values: JSON where they parse, else text", () => {
  assert.is(parseParameterValue("3"), 3);
  assert.is(parseParameterValue("true"), true);
  assert.is(parseParameterValue("data/raw/boston.csv"), "data/raw/boston.csv");
  assert.is(parseParameterValue('"3"'), "3");
});

test("both committed notebooks declare the parameters the report stage passes", () => {
  const declared = (path: string) => declaredParameters(JSON.parse(readFileSync(path, "utf8")));
  assert.equal(declared("notebooks/eda.ipynb"), ["datasetPath"]);
  assert.equal(declared("notebooks/model-analysis.ipynb"), ["modelVersion"]);
});

test.run();
