// A throwaway copy of the project for benches that run the real pipeline (`tabula repro`) on other data: the
// pipeline definition, params, stage code, registry and notebooks, without the project's own pipeline outputs,
// with node_modules linked. The bench then edits only the copy's params.yaml, as a user would.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Document, parse, parseDocument } from "yaml";

/** What the pipeline needs from the project. */
const COPIED = [
  "pipeline.yaml",
  "params.yaml",
  "package.json",
  "stages",
  "src",
  "bin",
  "dist",
  "models",
  "data",
  "notebooks",
];

export function copyProject(root: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of COPIED) {
    if (!existsSync(join(root, entry))) continue;
    // The project's own pipeline outputs stay behind: the copy produces its own.
    cpSync(join(root, entry), join(dir, entry), {
      recursive: true,
      filter: (source) => !/\/data\/(prepared|features|model)(\/|$)/.test(source),
    });
  }
  // Hard links where the file system allows (the notebooks' TypeScript kernel cannot name types through a
  // node_modules symlink that leaves the project), else a symlink.
  const linked = spawnSync("cp", ["-al", join(root, "node_modules"), join(dir, "node_modules")]);
  if (linked.status !== 0) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
}

/** Edits the copy's params.yaml: `edit` changes the document, then each `key.path=yaml value` override is set. */
export function editParams(dir: string, edit: (document: Document) => void, overrides: string[] = []): void {
  const path = join(dir, "params.yaml");
  const document = parseDocument(readFileSync(path, "utf8"));
  edit(document);
  for (const override of overrides) {
    const [key, ...value] = override.split("=");
    document.setIn((key as string).split("."), document.createNode(parse(value.join("="))));
  }
  writeFileSync(path, document.toString());
}
