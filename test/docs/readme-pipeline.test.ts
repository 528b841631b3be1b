// README.md's "Train on your own data" run, past what readme-examples.test.ts covers: the whole pipeline up to the
// package with the default params (40 tuning trials: about a minute), in a copy of this checkout, prints the
// lines the README shows for tune, train, evaluate and package, and the model it builds answers the README's two
// curl examples as shown. The report stage (Jupyter, and a promoted model) is not run here: its lines are not
// checked.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { request, startInProcess } from "../serve/support/harness.js";
import { runTabula } from "../support/tabula-cli.js";
import { blockStartingWith, outputDifferences, readmeProject, stageLines } from "./support/readme.js";

const { blocks, parent, dir, inferArgs, remove } = readmeProject("readme-pipeline");
test.after(remove);

/** The README's `$ curl … -d '<body>'` commands (continued over lines) and the answer under each. */
function curlExamples(text: string): { path: string; body: unknown; answer: string }[] {
  const examples: { path: string; body: unknown; answer: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith("$ curl")) continue;
    let command = lines[i] as string;
    while (command.endsWith("\\")) command = `${command.slice(0, -1)} ${lines[++i]?.trim()}`;
    const path = /localhost:\d+(\/\S*)/.exec(command)?.[1] as string;
    const body = JSON.parse(/-d '([^']+)'/.exec(command)?.[1] as string);
    examples.push({ path, body, answer: lines[++i] as string });
  }
  return examples;
}

test("npm run repro on the README's CSV prints the README's lines; the model answers its curl examples", async () => {
  const written = runTabula(dir, inferArgs);
  assert.is(written.code, 0, written.output);

  const repro = runTabula(dir, ["repro", "package"]);
  assert.is(repro.code, 0, repro.output);
  const shown = blockStartingWith(blocks, "prepare   │");
  for (const stage of ["prepare", "featurize", "tune", "train", "evaluate", "package"]) {
    assert.equal(
      outputDifferences(stageLines(shown.text, stage), stageLines(repro.output, stage)),
      [],
      `the README's ${stage} lines (README.md:${shown.line})`,
    );
  }
  const recorded = (text: string) =>
    text.split("\n").filter((line) => line.startsWith("recorded experiment"));
  assert.equal(outputDifferences(recorded(shown.text), recorded(repro.output)), []);

  const examples = curlExamples(
    blocks.find((block) => block.text.includes("$ curl -s localhost:8080"))?.text ?? "",
  );
  assert.is(examples.length, 2, "the README shows a prediction and a rejected date");
  const server = await startInProcess({
    SERVE_MODEL: join(dir, "package"),
    SERVE_DATA_DIR: join(parent, "serve-data"),
  });
  try {
    for (const example of examples) {
      const response = await request(`${server.url}${example.path}`, { body: example.body });
      assert.equal(outputDifferences([example.answer], [response.text]), []);
    }
  } finally {
    await server.shutdown("test over");
  }
});

test.run();
