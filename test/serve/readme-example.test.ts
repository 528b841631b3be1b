// serve/README.md's example answer is what the server says: its curl body, sent to a real server running the
// committed production model the README names, gives the model version and the prediction the README shows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startInProcess, tempDir } from "./support/harness.js";

const README = readFileSync("serve/README.md", "utf8");

test("serve/README.md: the curl example's answer (model version, prediction) is the server's", async () => {
  const model = /SERVE_MODEL=(\S+) npm run serve/.exec(README)?.[1];
  assert.ok(model, "the README names the committed model it serves");
  const curl = /curl -s http:\/\/127\.0\.0\.1:8080\/predict .*? -d '([^']+)'\n# (\{.*\})/s.exec(README);
  assert.ok(curl, "the README has a curl /predict example followed by its answer");
  const body = JSON.parse(String(curl?.[1]).replace(/\n\s*/g, " "));
  const shown = curl?.[2] as string;
  const temp = tempDir("readme");
  const server = await startInProcess({
    SERVE_MODEL: model as string,
    SERVE_DATA_DIR: join(temp.dir, "data"),
  });
  try {
    const response = await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as {
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
  } finally {
    await server.shutdown("test");
    temp.remove();
  }
});

test.run();
