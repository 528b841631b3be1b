// README.md's examples that show output print what the README shows: each command runs, as the README gives it, in a
// copy of this checkout with the README's CSV (test/fixtures/dated.ts: sales.csv), and its output is compared line
// by line with the block. `…` in the README stands for what differs between runs (support/readme.ts says what).
// The stages after featurize (tuning 40 trials, ~1 min) and the sales model's answers are checked by
// readme-pipeline.test.ts, so this file stays short.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyWorkspace } from "../../src/exp/workspace-copy.js";
import { datedCsv } from "../fixtures/dated.js";
import { startInProcess, tempDir } from "../serve/support/harness.js";
import {
  blockStartingWith,
  commandArgs,
  outputDifferences,
  ROOT,
  readme,
  stageLines,
  tabula,
} from "./support/readme.js";

const blocks = readme();
const parent = mkdtempSync(join(tmpdir(), "tabula-readme-"));
const dir = copyWorkspace(ROOT, join(parent, "project")).dir;
const inferArgs = commandArgs(blocks, "data infer");

test.before(() => {
  const csv = inferArgs.find((arg) => arg.endsWith(".csv")) as string;
  writeFileSync(join(dir, csv), datedCsv());
});
test.after(() => rmSync(parent, { recursive: true, force: true }));

const lines = (text: string) => text.replace(/\n+$/, "").split("\n");

test("tabula data infer (without --write) prints the draft the README shows", () => {
  const draft = tabula(
    dir,
    inferArgs.filter((arg) => arg !== "--write"),
  );
  assert.is(draft.code, 0, draft.output);
  const shown = blockStartingWith(blocks, "# Drafted by `tabula data infer`");
  assert.equal(outputDifferences(lines(shown.text), lines(draft.stdout)), []);
});

test("tabula data infer --write, then repro: the lines the README shows for --write, prepare and featurize", () => {
  const written = tabula(dir, inferArgs);
  assert.is(written.code, 0, written.output);
  const shownWrite = blockStartingWith(blocks, "wrote params.yaml:");
  assert.equal(outputDifferences(lines(shownWrite.text), lines(written.stdout)), []);

  const repro = tabula(dir, ["repro", "featurize"]);
  assert.is(repro.code, 0, repro.output);
  const shownRepro = blockStartingWith(blocks, "prepare   │");
  for (const stage of ["prepare", "featurize"]) {
    assert.equal(
      outputDifferences(stageLines(shownRepro.text, stage), stageLines(repro.output, stage)),
      [],
      `the README's ${stage} lines (README.md:${shownRepro.line})`,
    );
  }
});

test("README's serving example: the answer has the shape it shows (model boston, the committed production)", async () => {
  const block = blocks.find((b) => b.text.includes("curl -s http://127.0.0.1:8080/predict"));
  assert.ok(block, "README.md has the serving block");
  const match = /-d '([^']+)'\n# (\{.*\})/s.exec(block?.text ?? "");
  assert.ok(match, "a curl /predict body followed by its answer");
  const body = JSON.parse(String(match?.[1]).replace(/\n\s*/g, " "));
  const temp = tempDir("readme-serve");
  const server = await startInProcess({
    SERVE_MODEL: "models/boston",
    SERVE_DATA_DIR: join(temp.dir, "data"),
  });
  try {
    const response = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.is(response.status, 200);
    assert.equal(outputDifferences([match?.[2] as string], [await response.text()]), []);
  } finally {
    await server.shutdown("test over");
    temp.remove();
  }
});

test("the comparison: `…` matches within one line; a changed, a missing or an extra line is reported", () => {
  assert.equal(outputDifferences(["ran in … s (…)"], ["ran in 2.24 s (new dependency a.csv)"]), []);
  assert.equal(outputDifferences(["a (… s)", "b"], ["a (1 s)\nb"]), [
    "line 1:\n  README:  a (… s)\n  printed: a (1 s)\nb",
    "line 2: shown but not printed: b",
  ]);
  assert.equal(outputDifferences(["x: 1"], ["x: 2", "y"]), [
    "line 1:\n  README:  x: 1\n  printed: x: 2",
    "line 2: printed but not shown: y",
  ]);
});

test.run();
