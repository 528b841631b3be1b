// README.md's examples that show output print what the README shows: each command runs, as the README gives it, in a
// copy of this checkout with the README's CSV (test/fixtures/dated.ts: sales.csv), and its output is compared line
// by line with the block. `…` in the README stands for what differs between runs (support/readme.ts says what).
// The stages after featurize (tuning 40 trials, ~1 min) and the sales model's answers are checked by
// readme-pipeline.test.ts, so this file stays short.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request, withServedModel } from "../serve/support/harness.js";
import { runTabula } from "../support/tabula-cli.js";
import {
  blockStartingWith,
  curlPredictExample,
  outputDifferences,
  readmeProject,
  stageLines,
} from "./support/readme.js";

const { blocks, dir, inferArgs, remove } = readmeProject("readme");
test.after(remove);

const lines = (text: string) => text.replace(/\n+$/, "").split("\n");

test("tabula data infer (without --write) prints the draft the README shows", () => {
  const draft = runTabula(
    dir,
    inferArgs.filter((arg) => arg !== "--write"),
  );
  assert.is(draft.code, 0, draft.output);
  const shown = blockStartingWith(blocks, "# Drafted by `tabula data infer`");
  assert.equal(outputDifferences(lines(shown.text), lines(draft.stdout)), []);
});

test("tabula data infer --write, then repro: the lines the README shows for --write, prepare and featurize", () => {
  const written = runTabula(dir, inferArgs);
  assert.is(written.code, 0, written.output);
  const shownWrite = blockStartingWith(blocks, "wrote params.yaml:");
  assert.equal(outputDifferences(lines(shownWrite.text), lines(written.stdout)), []);

  const repro = runTabula(dir, ["repro", "featurize"]);
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
  const example = curlPredictExample(
    blocks.find((b) => b.text.includes("curl -s http://127.0.0.1:8080/predict"))?.text ?? "",
  );
  assert.ok(example, "README.md has a curl /predict body followed by its answer");
  const { body, answer } = example as { body: unknown; answer: string };
  await withServedModel("models/boston", async (server) => {
    const response = await request(`${server.url}/predict`, { body });
    assert.is(response.status, 200);
    assert.equal(outputDifferences([answer], [response.text]), []);
  });
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
