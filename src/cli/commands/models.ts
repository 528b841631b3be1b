// `tabula models list | promote [VERSION] | rollback | show VERSION`: the model registry from the command line.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PRODUCTION_ALIAS } from "../../artifact/aliases.js";
import { summarizeOnnxModel } from "../../ml/onnx/graph-summary.js";
import { parseManifest } from "../../registry/artifact-check.js";
import {
  listModels,
  listVersions,
  promote,
  publish,
  type Registry,
  resolveVersion,
  rollback,
  showVersion,
} from "../../registry/registry.js";
import type { Result } from "../../registry/registry-error.js";

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

export const help = `usage: tabula models <command> [options]

  list                 the registered versions of each model, with their aliases and metrics
  promote [VERSION]    point the production alias at VERSION (a registry version, or a prefix of one);
                       without VERSION, register the freshly built package/ and promote it
  rollback             point production back at the version it had before the current one
  show VERSION         one version's manifest, with its files checked (hash, onnxruntime load, golden rows)

options:
  --registry DIR       the registry (default: models)
  --package DIR        the package stage's output (default: package)
  --name NAME          the model (default: the package's name, or the only model in the registry)
  --force              promote even though the evaluate stage's gate said not to
  --json               list/show: print JSON
  --graph              show: print the ONNX graph's structure too
  -C, --cwd DIR        run as if started in DIR
`;

class UsageError extends Error {}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function metricsLine(metrics: Record<string, number> | undefined): string {
  return Object.keys(metrics ?? {})
    .sort()
    .map((name) => `${name}=${formatNumber(metrics?.[name] as number)}`)
    .join(" ");
}

function packageManifest(packageDir: string) {
  const path = resolve(packageDir, "manifest.json");
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  return parseManifest(path, bytes);
}

function modelName(registry: Registry, packageDir: string, name: string | undefined): string {
  if (name) return name;
  const manifest = packageManifest(packageDir);
  if (manifest?.ok) return manifest.value.name;
  const models = listModels(registry);
  if (models.length === 1) return models[0] as string;
  throw new UsageError(
    models.length === 0
      ? `no model in ${registry.root} and no readable ${packageDir}/manifest.json: run the pipeline (npm run repro) first, or pass --name`
      : `${registry.root} holds several models (${models.join(", ")}): pass --name`,
  );
}

function report<T>(io: CommandIo, result: Result<T>): result is { ok: true; value: T } {
  if (!result.ok) io.stderr(`tabula models: ${result.error.kind}: ${result.error.message}\n`);
  return result.ok;
}

async function list(io: CommandIo, registry: Registry, names: string[], json: boolean): Promise<number> {
  const all: Record<string, unknown> = {};
  for (const name of names) {
    const versions = listVersions(registry, name);
    if (!report(io, versions)) return 1;
    if (json) {
      all[name] = versions.value.map((entry) => ({
        version: entry.version,
        aliases: entry.aliases,
        ...(entry.manifest
          ? { type: entry.manifest.model.type, metrics: entry.manifest.metrics, gate: entry.manifest.gate }
          : {}),
        ...(entry.problem ? { problem: entry.problem } : {}),
      }));
      continue;
    }
    io.stdout(`${name} (${resolve(registry.root, name)})\n`);
    if (versions.value.length === 0) io.stdout("  no versions yet\n");
    for (const entry of versions.value) {
      const marker = entry.aliases.includes(PRODUCTION_ALIAS) ? "*" : " ";
      const details = entry.manifest
        ? `${entry.manifest.model.type}, ${entry.manifest.model.trees} trees  ${metricsLine(entry.manifest.metrics)}`
        : `unreadable: ${entry.problem}`;
      io.stdout(`${marker} ${entry.version}  ${(entry.aliases.join(",") || "-").padEnd(10)}  ${details}\n`);
    }
  }
  if (json) io.stdout(`${JSON.stringify(all, null, 2)}\n`);
  return 0;
}

async function show(
  io: CommandIo,
  registry: Registry,
  name: string,
  version: string,
  options: { json: boolean; graph: boolean },
) {
  const shown = await showVersion(registry, name, version);
  if (!report(io, shown)) return 1;
  const { manifest, files, goldenMaxDiff } = shown.value.checked;
  if (options.json) {
    io.stdout(`${JSON.stringify({ aliases: shown.value.aliases, manifest }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${manifest.name} ${manifest.version}${shown.value.aliases.length > 0 ? `  (${shown.value.aliases.join(", ")})` : ""}`,
    `  task        ${manifest.task}; target ${manifest.target.name}${manifest.target.classes ? ` (classes ${manifest.target.classes.join(", ")})` : ""}`,
    `  model       ${manifest.model.type}, ${manifest.model.trees} trees; params ${JSON.stringify(manifest.model.params)}`,
    `  metrics     ${metricsLine(manifest.metrics)}  (${manifest.testRows} test rows)`,
    ...(manifest.gate
      ? [`  gate        ${manifest.gate.promote ? "promote" : "do not promote"}: ${manifest.gate.reason}`]
      : []),
    `  lineage     git ${manifest.lineage.gitRev}, data ${manifest.lineage.dataHash}`,
    `  onnx        ${manifest.onnx.input.name} float32[N,${manifest.onnx.input.shape[1]}] → ${Object.values(manifest.onnx.outputs).join(", ")}`,
    `  features    ${manifest.features.map((feature) => `${feature.name}${feature.nullable ? "?" : ""}`).join(" ")}`,
    `  files       ok: sha256 matches (${files["model.onnx"].length} bytes), onnxruntime loads it, ${manifest.golden.length} golden rows reproduced (max |diff| ${goldenMaxDiff})`,
  ];
  io.stdout(`${lines.join("\n")}\n`);
  if (options.graph) io.stdout(`\n${summarizeOnnxModel(files["model.onnx"])}`);
  return 0;
}

async function promoteCommand(
  io: CommandIo,
  registry: Registry,
  packageDir: string,
  name: string,
  version: string | undefined,
  force: boolean,
) {
  let target = version;
  if (target !== undefined) {
    const resolved = resolveVersion(registry, name, target);
    const fromPackage = packageManifest(packageDir);
    if (
      !resolved.ok &&
      resolved.error.kind === "not-found" &&
      fromPackage?.ok &&
      fromPackage.value.version.startsWith(target)
    )
      target = undefined;
    else if (!report(io, resolved)) return 1;
    else target = resolved.value;
  }
  if (target === undefined) {
    const published = await publish(registry, packageDir);
    if (!report(io, published)) return 1;
    if (published.value.name !== name) {
      io.stderr(`tabula models: ${packageDir} holds model "${published.value.name}", not "${name}"\n`);
      return 1;
    }
    io.stdout(
      published.value.created
        ? `registered ${name} ${published.value.version} in ${resolve(registry.root, name, published.value.version)}\n`
        : `${name} ${published.value.version} is already registered\n`,
    );
    target = published.value.version;
  }
  const promoted = await promote(registry, { name, version: target, force });
  if (!report(io, promoted)) return 1;
  const { previous } = promoted.value;
  if (!promoted.value.changed) io.stdout(`${name} ${promoted.value.version} already is production\n`);
  else
    io.stdout(
      `promoted ${name} ${promoted.value.version} to production${previous ? ` (was ${previous})` : ""}${promoted.value.forced ? " — forced past the gate" : ""}\n`,
    );
  return 0;
}

export async function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: "string", default: "models" },
        package: { type: "string", default: "package" },
        name: { type: "string" },
        force: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        graph: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        cwd: { type: "string", short: "C" },
      },
    });
  } catch (error) {
    io.stderr(`tabula models: ${(error as Error).message}\n\n${help}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.stdout : io.stderr)(help);
    return values.help ? 0 : 2;
  }
  const cwd = resolve(io.cwd, (values.cwd as string | undefined) ?? ".");
  const registry: Registry = { root: resolve(cwd, values.registry as string) };
  const packageDir = resolve(cwd, values.package as string);
  const expect = (count: number, what: string) => {
    if (rest.length > count)
      throw new UsageError(`"${command}" takes ${what}; unexpected: ${rest.slice(count).join(" ")}`);
  };
  try {
    switch (command) {
      case "list": {
        expect(0, "no arguments");
        const names = values.name ? [values.name as string] : listModels(registry);
        if (names.length === 0) {
          io.stdout(
            `no models in ${registry.root} yet: build one (npm run repro), then \`tabula models promote\`\n`,
          );
          return 0;
        }
        return await list(io, registry, names, values.json as boolean);
      }
      case "promote":
        expect(1, "at most one VERSION");
        return await promoteCommand(
          io,
          registry,
          packageDir,
          modelName(registry, packageDir, values.name as string | undefined),
          rest[0],
          values.force as boolean,
        );
      case "rollback": {
        expect(0, "no arguments");
        const name = modelName(registry, packageDir, values.name as string | undefined);
        const result = rollback(registry, name);
        if (!report(io, result)) return 1;
        io.stdout(`rolled ${name} production back from ${result.value.from} to ${result.value.to}\n`);
        return 0;
      }
      case "show": {
        if (rest.length !== 1) throw new UsageError(`"show" takes one VERSION`);
        const name = modelName(registry, packageDir, values.name as string | undefined);
        return await show(io, registry, name, rest[0] as string, {
          json: values.json as boolean,
          graph: values.graph as boolean,
        });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`tabula models: ${error.message}\n\n${help}`);
      return 2;
    }
    throw error;
  }
}
