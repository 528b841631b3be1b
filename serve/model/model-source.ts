// Where the model comes from: a package directory (package/: manifest.json + model.onnx) or a registry model
// directory (models/<name>/: aliases.json + one directory per version), followed through an alias.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  AliasesSchema,
  aliasesPath,
  isVersionName,
  MANIFEST_FILE,
  versionDir,
} from "../../src/artifact/aliases.js";
import { readJsonFile } from "../../src/artifact/read-json.js";
import { type Loaded, loadError, loaded } from "./load-error.js";

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
      "source-missing",
      `${dir} is not a directory: set SERVE_MODEL to a package directory (run \`npm run repro\` to build package/) or a registry model directory (models/<name>)`,
    );
  const aliasesFile = aliasesPath(dir);
  if (!existsSync(aliasesFile)) {
    if (!existsSync(join(dir, MANIFEST_FILE)))
      return loadError(
        "source-missing",
        `${dir} has neither manifest.json (a package) nor aliases.json (a registry model)`,
      );
    return loaded({ dir });
  }
  const parsed = readJsonFile(aliasesFile, AliasesSchema);
  if (!parsed.ok) return loadError("aliases-invalid", parsed.error.message);
  const version = parsed.value.aliases[alias];
  if (version === undefined)
    return loadError(
      "alias-missing",
      `${aliasesFile} has no alias "${alias}" (it has: ${Object.keys(parsed.value.aliases).join(", ") || "none"}); promote a version first`,
    );
  if (!isVersionName(version))
    return loadError(
      "aliases-invalid",
      `${aliasesFile}: alias "${alias}" names an invalid version "${version}"`,
    );
  return loaded({ dir: versionDir(dir, version), aliasVersion: version, aliasesFile });
}
