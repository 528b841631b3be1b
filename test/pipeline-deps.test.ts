// pipeline.yaml's deps must cover the code each stage runs: a stage whose imports reach a file that no dep covers
// would not rerun when that file changes, and its outputs would go stale without anyone noticing.
import { relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadPipeline } from "../src/repro/index.js";
import { bundleMetafile } from "./support/bundle-metafile.js";

const root = process.cwd();

/** The project files a TypeScript entry point imports, transitively (npm packages left out). */
async function importClosure(entry: string): Promise<string[]> {
  const metafile = await bundleMetafile(entry, "external");
  return Object.keys(metafile.inputs).map((path) => relative(root, path));
}

test("every file a stage's code imports is covered by one of its deps", async () => {
  const loaded = await loadPipeline(root);
  assert.ok(loaded.ok, "pipeline.yaml loads");
  if (!loaded.ok) return;
  let checked = 0;
  const uncoveredByStage: Record<string, string[]> = {};
  for (const stage of loaded.value.pipeline.stages) {
    const entries = stage.commands.flatMap((command) => command.match(/\bstages\/[\w-]+\.ts\b/g) ?? []);
    const deps = stage.deps.map((dep) => dep.path.replace(/\/$/, ""));
    for (const entry of entries) {
      const uncovered = (await importClosure(entry)).filter(
        (file) => !deps.some((dep) => file === dep || file.startsWith(`${dep}/`)),
      );
      if (uncovered.length > 0) uncoveredByStage[`${stage.name} (${entry})`] = uncovered;
      checked++;
    }
  }
  assert.equal(uncoveredByStage, {}, "files a stage imports that none of its deps cover");
  assert.ok(checked >= 5, `checked ${checked} stage entry points`);
});

test.run();
