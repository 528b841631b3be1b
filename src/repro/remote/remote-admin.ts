import { isMap } from "yaml";
import { err, ok, type Result } from "../errors.js";
import {
  type ConfigLevel,
  editConfigFile,
  LOCAL_CONFIG,
  PROJECT_CONFIG,
  parseRemoteValue,
  type RemoteEntry,
  readConfig,
  readConfigFile,
} from "./remote-config.js";

/** `tabula remote add|list|modify|remove`: edits .tabula/config.yaml (or, with `local`, config.local.yaml). */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function fileName(level: ConfigLevel): string {
  return level === "project" ? PROJECT_CONFIG : LOCAL_CONFIG;
}

export function addRemote(
  root: string,
  name: string,
  url: string,
  options: { makeDefault?: boolean; level?: ConfigLevel; force?: boolean } = {},
): Result<string> {
  if (!NAME.test(name)) {
    return err({ kind: "usage", message: `remote name "${name}": use letters, digits, "-", "_" and "."` });
  }
  const checked = parseRemoteValue("url", url);
  if (!checked.ok) return checked;
  const level = options.level ?? "project";
  const current = readConfigFile(root, level);
  if (!current.ok) return current;
  if (current.value.remotes?.[name] && !options.force) {
    return err({
      kind: "usage",
      message: `remote "${name}" already exists in ${fileName(level)} (tabula remote modify ${name} url URL)`,
    });
  }
  editConfigFile(root, level, (doc) => {
    doc.setIn(["remotes", name], doc.createNode({ url }));
    if (options.makeDefault) doc.setIn(["core", "remote"], name);
  });
  return ok(fileName(level));
}

export function modifyRemote(
  root: string,
  name: string,
  key: string,
  value: string | undefined,
  level: ConfigLevel = "project",
): Result<string> {
  const config = readConfig(root);
  if (!config.ok) return config;
  if (!config.value.remotes?.[name]) return unknownRemote(name, config.value.remotes);
  if (value === undefined) {
    editConfigFile(root, level, (doc) => {
      doc.deleteIn(["remotes", name, key]);
    });
    return ok(fileName(level));
  }
  const parsed = parseRemoteValue(key, value);
  if (!parsed.ok) return parsed;
  editConfigFile(root, level, (doc) => {
    if (!isMap(doc.getIn(["remotes", name]))) doc.setIn(["remotes", name], doc.createNode({}));
    doc.setIn(["remotes", name, key], parsed.value);
  });
  return ok(fileName(level));
}

export function setDefaultRemote(root: string, name: string, level: ConfigLevel = "project"): Result<string> {
  const config = readConfig(root);
  if (!config.ok) return config;
  if (!config.value.remotes?.[name]) return unknownRemote(name, config.value.remotes);
  editConfigFile(root, level, (doc) => {
    doc.setIn(["core", "remote"], name);
  });
  return ok(fileName(level));
}

/** Removes a remote from both files (and the default, if it was the default). */
export function removeRemote(root: string, name: string): Result<string[]> {
  const config = readConfig(root);
  if (!config.ok) return config;
  if (!config.value.remotes?.[name]) return unknownRemote(name, config.value.remotes);
  const edited: string[] = [];
  for (const level of ["project", "local"] as const) {
    const file = readConfigFile(root, level);
    if (!file.ok) return file;
    if (!file.value.remotes?.[name] && file.value.core?.remote !== name) continue;
    editConfigFile(root, level, (doc) => {
      doc.deleteIn(["remotes", name]);
      if (doc.getIn(["core", "remote"]) === name) doc.deleteIn(["core", "remote"]);
      const core = doc.get("core");
      if (isMap(core) && core.items.length === 0) doc.delete("core");
    });
    edited.push(fileName(level));
  }
  return ok(edited);
}

export interface ListedRemote {
  name: string;
  settings: RemoteEntry;
  isDefault: boolean;
}

export function listRemotes(root: string): Result<ListedRemote[]> {
  const config = readConfig(root);
  if (!config.ok) return config;
  return ok(
    Object.entries(config.value.remotes ?? {}).map(([name, settings]) => ({
      name,
      settings,
      isDefault: config.value.core?.remote === name,
    })),
  );
}

function unknownRemote(name: string, remotes: Record<string, unknown> | undefined): Result<never> {
  const known = Object.keys(remotes ?? {});
  return err({
    kind: "usage",
    message: `no remote named "${name}"; remotes: ${known.join(", ") || "(none; tabula remote add NAME URL)"}`,
  });
}
