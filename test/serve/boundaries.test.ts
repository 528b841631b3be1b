// serve/ never imports training code: the service image carries the model artifact and its schema, not the
// pipeline. Its only project imports outside serve/ are the artifact schemas it parses (src/artifact/) and the drift
// statistics (src/drift/: pure functions over histograms, shared with `tabula monitor`), and src/result.ts (the one
// Result type and `unreachable`, dependency-free).

import type { Metafile } from "esbuild";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bundleMetafile } from "../support/bundle-metafile.js";

const ENTRIES = ["serve/main.ts", "serve/thread-host.ts"];
const ALLOWED_PROJECT_DIRS = ["serve/", "src/artifact/", "src/drift/", "src/result.ts"];
const TRAINING_PACKAGES = ["nodejs-polars", "ml-cart", "ml-random-forest", "tslab", "yaml"];

/** The npm packages (and node: modules) the bundle imports. */
function externalImports(meta: Metafile): Set<string> {
  return new Set(
    Object.values(meta.inputs).flatMap((input) =>
      input.imports.filter((edge) => edge.external).map((edge) => edge.path),
    ),
  );
}

for (const entry of ENTRIES) {
  test(`${entry} imports only serve/ and the artifact schemas`, async () => {
    const meta = await bundleMetafile(entry, "external");
    const files = Object.keys(meta.inputs);
    assert.ok(files.includes(entry), `${entry} is in its own bundle`);
    assert.equal(
      files.filter((file) => !ALLOWED_PROJECT_DIRS.some((dir) => file.startsWith(dir))),
      [],
      "project files outside serve/ and src/artifact/",
    );
    const packages = externalImports(meta);
    assert.equal(
      [...packages].filter((name) =>
        TRAINING_PACKAGES.some((pkg) => name === pkg || name.startsWith(`${pkg}/`)),
      ),
      [],
      "training-side packages",
    );
  });
}

test("the main entry reaches the model runtime and the web framework (the check sees real imports)", async () => {
  const meta = await bundleMetafile("serve/main.ts", "external");
  const packages = externalImports(meta);
  for (const name of ["koa", "onnxruntime-node", "prom-client"]) assert.ok(packages.has(name), name);
});

test.run();
