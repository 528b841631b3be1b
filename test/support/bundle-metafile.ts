import { build, type Metafile } from "esbuild";

/** What esbuild sees when it bundles `entry`: every input file and its import edges (static or dynamic). */
export async function bundleMetafile(entry: string, packages: "bundle" | "external"): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    packages,
    logLevel: "silent",
  });
  return result.metafile;
}
