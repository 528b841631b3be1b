// jsonString is JSON.stringify for strings, character for character, with or without anything to escape.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { jsonString } from "../../serve/json-string.js";

test("the same text as JSON.stringify", () => {
  const samples = [
    "",
    "0192c1a2-3b4c-7d5e-8f90-a1b2c3d4e5f6",
    "/predict",
    'a "quoted" path',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\u0000\u001f\u007f",
    "é ü 漢字 🙂",
    "lone \ud800 surrogate",
    "lone \udc00 low",
    "</script>",
  ];
  for (const sample of samples) assert.is(jsonString(sample), JSON.stringify(sample), sample);
  for (let code = 0; code < 0x10000; code++) {
    const sample = `x${String.fromCharCode(code)}y`;
    if (jsonString(sample) !== JSON.stringify(sample))
      assert.unreachable(`differs at U+${code.toString(16)}`);
  }
});

test.run();
