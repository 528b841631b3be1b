// Where the model comes from: a package directory (package/: manifest.json + model.onnx) or a registry model
// directory (models/<name>/: aliases.json + one directory per version), followed through an alias.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { AliasesSchema } from "../../src/artifact/aliases.js";
import { type Loaded, loadError, loaded } from "./load-error.js";
import { readJsonFile } from "./read-json.js";

export interface ResolvedSource {
  /** The directory holding manifest.json and the ONNX file. */
  dir: string;
  /** The registry version the alias names (the manifest must agree), when served through an alias. */
  aliasVersion?: string;
  /** The aliases file, when served through an alias (watched for changes). */
  aliasesFile?: string;
}

export function resolveModelSource(path: string, alias: string): Loaded<ResolvedSource> {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return loadError(
      "source_missing",
      `${dir} is not a directory: set SERVE_MODEL to a package directory (run \`npm run repro\` to build package/) or a registry model directory (models/<name>)`,
    );
  const aliasesFile = join(dir, "aliases.json");
  if (!existsSync(aliasesFile)) {
    if (!existsSync(join(dir, "manifest.json")))
      return loadError(
        "source_missing",
        `${dir} has neither manifest.json (a package) nor aliases.json (a registry model)`,
      );
    return loaded({ dir });
  }
  const parsed = readJsonFile(aliasesFile, AliasesSchema, "aliases_invalid");
  if (!parsed.ok) return parsed;
  const version = parsed.value.aliases[alias];
  if (version === undefined)
    return loadError(
      "alias_missing",
      `${aliasesFile} has no alias "${alias}" (it has: ${Object.keys(parsed.value.aliases).join(", ") || "none"}); promote a version first`,
    );
  if (version.includes("/") || version.includes("\\") || version === ".." || version === ".")
    return loadError(
      "aliases_invalid",
      `${aliasesFile}: alias "${alias}" names an invalid version "${version}"`,
    );
  return loaded({ dir: join(dir, version), aliasVersion: version, aliasesFile });
}
