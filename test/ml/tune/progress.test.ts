import { PassThrough } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createProgress } from "../../../src/ml/tune/progress.js";
import type { Trial } from "../../../src/ml/tune/study.js";

function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean };
  stream.isTTY = isTTY;
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const trials: Trial[] = [
  { number: 1, params: { depth: 4, rate: 0.123456 }, value: 12.5, std: 1.25, seconds: 0.4 },
  { number: 0, params: { depth: 7, rate: 0.5 }, value: 11, std: 2, seconds: 0.6 },
];

test("without a terminal: one plain line per trial, numbered by trial, with the best so far", () => {
  const out = capture(false);
  const progress = createProgress(2, "mse", out.stream);
  progress.trial(trials[0] as Trial, trials[0]);
  progress.trial(trials[1] as Trial, trials[1]);
  progress.done();
  assert.equal(out.text().split("\n"), [
    "trial 2/2  mse 12.500 ± 1.2500  best 12.500  0.4 s  depth=4 rate=0.1235",
    "trial 1/2  mse 11.000 ± 2.0000  best 11.000  0.6 s  depth=7 rate=0.5000",
    "",
  ]);
});

test("on a terminal: a bar redrawn in place and cleared at the end", () => {
  const out = capture(true);
  const progress = createProgress(2, "mse", out.stream);
  progress.trial(trials[0] as Trial, trials[0]);
  progress.trial(trials[1] as Trial, trials[1]);
  progress.done();
  const text = out.text();
  assert.not.match(text, /\n/);
  assert.is(text.split("\r").length, 4);
  assert.match(text, /2\/2 {2}best mse \S*11\.000/);
  assert.ok(text.endsWith("\r\x1b[K"));
});

test.run();
