// Copies the packages the bundled server loads at run time (the native ones esbuild leaves external) and their
// production dependencies into <out>/node_modules, so the image carries these instead of every dependency of the
// project (nodejs-polars, vega, ...). onnxruntime-node's binaries for other platforms are left behind.
//
// usage (in the Dockerfile's build stage): node scripts/ci/runtime-modules.mjs <out dir> <package> ...
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const [out, ...roots] = process.argv.slice(2);
if (!out || roots.length === 0) {
  console.error("usage: runtime-modules.mjs <out dir> <package> ...");
  process.exit(2);
}

/** The directory of `name` as Node would resolve it from `from` (a package directory). */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot resolve ${name} from ${from}`);
  }
}

/** onnxruntime-node ships binaries for every OS and CPU: keep this machine's. */
function keepOwnPlatform(bin) {
  for (const napi of existsSync(bin) ? readdirSync(bin) : []) {
    for (const os of readdirSync(join(bin, napi))) {
      if (os !== process.platform) {
        rmSync(join(bin, napi, os), { recursive: true, force: true });
        continue;
      }
      for (const arch of readdirSync(join(bin, napi, os))) {
        if (arch !== process.arch) rmSync(join(bin, napi, os, arch), { recursive: true, force: true });
      }
    }
  }
}

const root = process.cwd();
const seen = new Set();
const queue = roots.map((name) => locate(name, root));
while (queue.length > 0) {
  const dir = queue.shift();
  if (seen.has(dir)) continue;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    try {
      queue.push(locate(name, dir));
    } catch (error) {
      if (!optional.has(name)) throw error;
    }
  }
}

for (const dir of [...seen].sort()) {
  const target = join(out, relative(root, dir));
  cpSync(dir, target, { recursive: true });
  if (relative(root, dir) === join("node_modules", "onnxruntime-node")) keepOwnPlatform(join(target, "bin"));
  console.log(relative(root, dir));
}
