// serve/README.md's example answer is what the server says: its curl body, sent to a real server running the
// committed production model the README names, gives the model version and the prediction the README shows.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { curlPredictExample } from "../docs/support/readme.js";
import { request, withServedModel } from "./support/harness.js";

const README = readFileSync("serve/README.md", "utf8");

test("serve/README.md: the curl example's answer (model version, prediction) is the server's", async () => {
  const model = /SERVE_MODEL=(\S+) npm run serve/.exec(README)?.[1];
  assert.ok(model, "the README names the committed model it serves");
  const example = curlPredictExample(README);
  assert.ok(example, "the README has a curl /predict example followed by its answer");
  const { body, answer: shown } = example as { body: unknown; answer: string };
  await withServedModel(model as string, async (server) => {
    const response = await request(`${server.url}/predict`, { body });
    const answer = response.body as {
      predictions: number[];
      model: { name: string; version: string };
    };
    assert.is(response.status, 200);
    assert.match(shown, `"model":${JSON.stringify(answer.model)}`);
    const digits = /"predictions":\[([\d.]+)…\]/.exec(shown)?.[1];
    assert.ok(digits, `the README shows a prediction: ${shown}`);
    assert.ok(
      String(answer.predictions[0]).startsWith(digits as string),
      `README shows ${digits}…, the server says ${answer.predictions[0]}`,
    );
  });
});

test.run();
