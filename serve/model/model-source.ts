// Where the model comes from: a package directory (package/: manifest.json + model.onnx) or a registry model
// directory (models/<name>/: aliases.json + one directory per version), followed through an alias.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { AliasesSchema } from "../../src/artifact/aliases.js";
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
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(aliasesFile, "utf8"));
  } catch (error) {
    return loadError("aliases_invalid", `${aliasesFile}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = AliasesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return loadError(
      "aliases_invalid",
      `${aliasesFile}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  const version = parsed.data.aliases[alias];
  if (version === undefined)
    return loadError(
      "alias_missing",
      `${aliasesFile} has no alias "${alias}" (it has: ${Object.keys(parsed.data.aliases).join(", ") || "none"}); promote a version first`,
    );
  if (version.includes("/") || version.includes("\\") || version === ".." || version === ".")
    return loadError(
      "aliases_invalid",
      `${aliasesFile}: alias "${alias}" names an invalid version "${version}"`,
    );
  return loaded({ dir: join(dir, version), aliasVersion: version, aliasesFile });
}
