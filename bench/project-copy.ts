// A throwaway copy of the project for benches that run the real pipeline (`tabula repro`) on other data: the files
// git would commit (src/exp/workspace-copy.ts, what `tabula exp` runs in) and the built CLI in dist/, without the
// project's own pipeline outputs (git ignores them). The bench then edits only the copy's params.yaml, as a user
// would.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Document, parse, parseDocument } from "yaml";
import { copyWorkspace } from "../src/exp/workspace-copy.js";

export function copyProject(root: string, dir: string): void {
  copyWorkspace(root, dir, ["dist"]);
  // node_modules as hard links where the file system allows: the notebooks' TypeScript kernel cannot name library
  // types through a node_modules symlink that leaves the project. The symlink stays otherwise.
  const modules = join(dir, "node_modules");
  rmSync(modules, { force: true });
  const linked = spawnSync("cp", ["-al", join(root, "node_modules"), modules]);
  if (linked.status !== 0) {
    rmSync(modules, { recursive: true, force: true });
    symlinkSync(join(root, "node_modules"), modules, "dir");
  }
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
