import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Document, parseDocument } from "yaml";
import { z } from "zod";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { err, ok, type Result } from "../errors.js";
import { describeIssue, firstInFile } from "../spec/schema-issue.js";
import { parseYamlSource } from "../spec/yaml-source.js";

/**
 * Remotes are configured like DVC's: `.tabula/config.yaml` is committed (the team's remotes), and
 * `.tabula/config.local.yaml` is git-ignored (per-machine settings: a profile, an endpoint, another default).
 * The local file wins key by key. Credentials never go in either: the AWS SDK's chain finds them.
 */
export const CONFIG_DIR = ".tabula";
export const PROJECT_CONFIG = `${CONFIG_DIR}/config.yaml`;
export const LOCAL_CONFIG = `${CONFIG_DIR}/config.local.yaml`;
export type ConfigLevel = "project" | "local";

/** Settings a remote may have, with how each is written on the command line. */
export const REMOTE_KEYS = {
  url: z.string().min(1),
  endpoint: z.url(),
  region: z.string().min(1),
  force_path_style: z.boolean(),
  profile: z.string().min(1),
  jobs: z.number().int().positive(),
} as const;
export type RemoteKey = keyof typeof REMOTE_KEYS;

const remoteSchema = z.strictObject(REMOTE_KEYS).partial();
const configSchema = z.strictObject({
  core: z
    .strictObject({ remote: z.string().min(1) })
    .partial()
    .optional(),
  remotes: z.record(z.string(), remoteSchema).optional(),
});
export type RemoteEntry = z.infer<typeof remoteSchema>;
export type TabulaConfig = z.infer<typeof configSchema>;

const SECRET_KEYS = /secret|access_key|password|token|credential/i;

function fileOf(root: string, level: ConfigLevel): string {
  return join(root, level === "project" ? PROJECT_CONFIG : LOCAL_CONFIG);
}

/** One config file, validated (an absent file is an empty config). */
export function readConfigFile(root: string, level: ConfigLevel): Result<TabulaConfig> {
  const file = level === "project" ? PROJECT_CONFIG : LOCAL_CONFIG;
  const path = fileOf(root, level);
  if (!existsSync(path)) return ok({});
  const source = parseYamlSource(readFileSync(path, "utf8"), file);
  if (!source.ok) return source;
  const checked = configSchema.safeParse(source.value.data ?? {});
  if (!checked.success) {
    const first = firstInFile(checked.error.issues.map((issue) => describeIssue(issue, source.value)));
    return err({
      kind: "invalid-config",
      at: first?.at ?? { file, line: 1, column: 1 },
      message: first?.message ?? "invalid",
    });
  }
  return ok(checked.data);
}

/** The project config with the local one laid over it. */
export function readConfig(root: string): Result<TabulaConfig> {
  const project = readConfigFile(root, "project");
  if (!project.ok) return project;
  const local = readConfigFile(root, "local");
  if (!local.ok) return local;
  const remotes: Record<string, RemoteEntry> = { ...project.value.remotes };
  for (const [name, entry] of Object.entries(local.value.remotes ?? {})) {
    remotes[name] = { ...remotes[name], ...entry };
  }
  return ok({ core: { ...project.value.core, ...local.value.core }, remotes });
}

/** Checks and converts a value typed on the command line for `key`. */
export function parseRemoteValue(key: string, text: string): Result<unknown> {
  if (SECRET_KEYS.test(key)) {
    return err({
      kind: "usage",
      message: `"${key}": credentials are never stored in config files; the AWS SDK finds them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or \`profile\`, instance or web identity roles)`,
    });
  }
  if (!Object.hasOwn(REMOTE_KEYS, key)) {
    return err({
      kind: "usage",
      message: `unknown remote setting "${key}"; settings: ${Object.keys(REMOTE_KEYS).join(", ")}`,
    });
  }
  const schema = REMOTE_KEYS[key as RemoteKey];
  const value = key === "force_path_style" ? parseBoolean(text) : key === "jobs" ? Number(text) : text;
  const checked = schema.safeParse(value);
  if (!checked.success) {
    return err({
      kind: "usage",
      message: `${key}: "${text}" is not valid (${checked.error.issues[0]?.message})`,
    });
  }
  return ok(checked.data);
}

function parseBoolean(text: string): boolean | string {
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  return text;
}

/**
 * Edits one config file in place, keeping its comments and order (`change` gets the YAML document), and makes
 * sure the local file is git-ignored.
 */
export function editConfigFile(root: string, level: ConfigLevel, change: (doc: Document) => void): void {
  const path = fileOf(root, level);
  mkdirSync(join(root, CONFIG_DIR), { recursive: true });
  const ignore = join(root, CONFIG_DIR, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "/config.local.yaml\n");
  const doc: Document = parseDocument(existsSync(path) ? readFileSync(path, "utf8") : "");
  if (doc.contents === null) doc.contents = doc.createNode({});
  change(doc);
  writeFileAtomic(path, doc.toString());
}
