// A no-op `tabula repro` or `tabula status` answers from the spec cache and never needs the YAML parser or zod,
// which are most of the bundle (~900 KB of ~1 MB) and a fifth of the command's start-up time. They must stay behind
// dynamic imports: one static `import` of a module that reaches them loads them on every run.
import { relative } from "node:path";
import type { Metafile } from "esbuild";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bundleMetafile } from "./support/bundle-metafile.js";

const root = process.cwd();
const HEAVY = ["node_modules/yaml/", "node_modules/zod/"];

/** Files loaded when `entry` is evaluated: static imports only, dynamic `import()` edges not followed. */
function staticClosure(meta: Metafile, entry: string): Map<string, string> {
  const reachedFrom = new Map<string, string>([[entry, "(entry)"]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const edge of meta.inputs[file]?.imports ?? []) {
      if (edge.kind !== "import-statement" || edge.external || reachedFrom.has(edge.path)) continue;
      reachedFrom.set(edge.path, file);
      queue.push(edge.path);
    }
  }
  return reachedFrom;
}

for (const command of ["repro", "status"]) {
  test(`tabula ${command} loads neither yaml nor zod until a cache miss needs them`, async () => {
    const entry = `src/cli/commands/${command}.ts`;
    const meta = await bundleMetafile(entry, "bundle");
    const closure = staticClosure(meta, relative(root, entry));
    assert.ok(closure.size > 5, `the closure of ${entry} has ${closure.size} files`);
    assert.ok(
      Object.keys(meta.inputs).some((file) => HEAVY.some((heavy) => file.includes(heavy))),
      "the parsers are in the bundle (behind dynamic imports)",
    );
    const heavy = [...closure].filter(([file]) => HEAVY.some((prefix) => file.includes(prefix)));
    assert.equal(
      heavy.map(([file, from]) => `${file} ← ${from}`).slice(0, 3),
      [],
      "statically imported parser files (← the importer)",
    );
  });
}

test.run();
