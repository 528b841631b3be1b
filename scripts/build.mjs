// Bundles the CLI and the server into dist/ so they start fast (no TypeScript loader at run time).
// Native packages stay external; pure-JS ones used on the CLI's start-up path are bundled in.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: drop the previous build's so dist/ does not fill up with stale ones.
rmSync("dist/chunks", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "linked",
  logLevel: "warning",
  // ESM bundles that pull in CommonJS code need a real `require`.
  banner: {
    js: "import { createRequire as __tabulaCreateRequire } from 'node:module'; const require = __tabulaCreateRequire(import.meta.url);",
  },
};

await Promise.all([
  build({
    ...common,
    // forest-worker: the random forest's worker thread, loaded next to the bundle (src/ml/models/forest-threads.ts).
    // histogram-worker: the histogram learners' worker thread (src/ml/models/hist/threaded-executor.ts).
    entryPoints: {
      tabula: "src/cli/main.ts",
      "forest-worker": "src/ml/models/forest-worker.ts",
      "histogram-worker": "src/ml/models/hist/histogram-worker.ts",
    },
    outdir: "dist",
    // Each command is a lazily imported chunk, so `tabula repro` never loads the code of `tabula metrics`.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    packages: "bundle",
    external: ["@node-rs/xxhash", "@node-rs/xxhash-*", "nodejs-polars", "onnxruntime-node"],
  }),
  // The prediction service and its worker threads (each worker is its own file; see serve/worker-thread.ts).
  build({
    ...common,
    entryPoints: {
      serve: "serve/main.ts",
      "serve-thread-host": "serve/thread-host.ts",
      // The short-lived process that runs onnxruntime to check the compiled trees (serve/model/reference-process.ts).
      "serve-reference": "serve/model/reference-child.ts",
    },
    outdir: "dist",
    packages: "bundle",
    external: ["onnxruntime-node"],
  }),
]);

// The server's bundles as pure ASCII. esbuild escapes non-ASCII characters in code but keeps them in the comments it
// carries over (a dash, an arrow), and one such character makes V8 hold the whole 2.6 MB source as a two-byte
// string: 5 MB of the server's heap for its whole life instead of 2.6 (serve/README.md, memory). Outside comments
// there is nothing left to escape, and a \u escape means the same character wherever esbuild could have left one.
for (const file of ["dist/serve.js", "dist/serve-thread-host.js", "dist/serve-reference.js"]) {
  const source = readFileSync(file, "utf8");
  const ascii = source.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (ascii !== source) writeFileSync(file, ascii);
}
