// `tabula models list | promote [VERSION] | rollback | show VERSION | diff A B`: the model registry from the command
// line. The rules (which model, registering package/, the gate, the contract check) live in src/registry.
import { resolve } from "node:path";
import { PRODUCTION_ALIAS } from "../../artifact/aliases.js";
import { diffContract, formatContractDiff } from "../../artifact/contract-diff.js";
import { summarizeOnnxModel } from "../../ml/onnx/graph-summary.js";
import { listModels, listVersions, type Registry, rollback, showVersion } from "../../registry/registry.js";
import type { Result } from "../../registry/registry-error.js";
import { defaultModelName, manifestOf, promoteFromWorkspace } from "../../registry/workspace-promotion.js";
import { type CommandIo, parseCommandArgs, processIo, UsageError, withUsage } from "../command.js";

export const help = `usage: tabula models <command> [options]

  list                 the registered versions of each model, with their aliases and metrics
  promote [VERSION]    point the production alias at VERSION (a registry version, or a prefix of one);
                       without VERSION, register the freshly built package/ and promote it; refused when the
                       API contract breaks against production (see diff)
  rollback             point production back at the version it had before the current one
  show VERSION         one version's manifest, with its files checked (hash, onnxruntime load, golden rows)
  diff A B             the API contract change from A to B (each an alias such as production, a version or a
                       prefix of one, or a package directory such as package): features added, removed, renamed,
                       retyped, categories, ranges, output kind, classes; each compatible or breaking

options:
  --registry DIR       the registry (default: models)
  --package DIR        the package stage's output (default: package)
  --name NAME          the model (default: the package's name, or the only model in the registry)
  --force              promote even though the evaluate stage's gate said not to, or the contract breaks
  --json               list/show/diff: print JSON
  --graph              show: print the ONNX graph's structure too
  -C, --cwd DIR        run as if started in DIR
`;

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function metricsLine(metrics: Record<string, number> | undefined): string {
  return Object.keys(metrics ?? {})
    .sort()
    .map((name) => `${name}=${formatNumber(metrics?.[name] as number)}`)
    .join(" ");
}

function modelName(registry: Registry, packageDir: string, name: string | undefined): Result<string> {
  return defaultModelName(registry, packageDir, name);
}

function report<T>(io: CommandIo, result: Result<T>): result is Extract<Result<T>, { ok: true }> {
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
  const result = await promoteFromWorkspace(registry, {
    name,
    packageDir,
    force,
    ...(version === undefined ? {} : { version }),
  });
  if (!report(io, result)) return 1;
  const { registered, promoted } = result.value;
  if (registered)
    io.stdout(
      registered.created
        ? `registered ${name} ${registered.version} in ${resolve(registry.root, name, registered.version)}\n`
        : `${name} ${registered.version} is already registered\n`,
    );
  const { previous } = promoted;
  if (!promoted.changed) io.stdout(`${name} ${promoted.version} already is production\n`);
  else
    io.stdout(
      `promoted ${name} ${promoted.version} to production${previous ? ` (was ${previous})` : ""}${promoted.forced.length > 0 ? ` — ${promoted.forced.join("; ")}` : ""}\n`,
    );
  if (promoted.contract && promoted.contract.changes.length > 0)
    io.stdout(formatContractDiff(promoted.contract));
  return 0;
}

function diff(io: CommandIo, registry: Registry, name: string, refs: string[], cwd: string, json: boolean) {
  const [from, to] = refs.map((ref) => manifestOf(registry, name, ref, cwd));
  if (!from || !to || !report(io, from) || !report(io, to)) return 1;
  const contract = diffContract(from.value, to.value);
  io.stdout(json ? `${JSON.stringify(contract, null, 2)}\n` : formatContractDiff(contract));
  return 0;
}

export function run(argv: string[], io: CommandIo = processIo): Promise<number> {
  return withUsage("models", help, io, () => dispatch(argv, io));
}

async function dispatch(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("models", argv, {
    registry: { type: "string", default: "models" },
    package: { type: "string", default: "package" },
    name: { type: "string" },
    force: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    graph: { type: "boolean", default: false },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  if (command === undefined) throw new UsageError("which command?");
  const cwd = resolve(io.cwd, values.cwd ?? ".");
  const registry: Registry = { root: resolve(cwd, values.registry) };
  const packageDir = resolve(cwd, values.package);
  const expect = (count: number, what: string) => {
    if (rest.length > count)
      throw new UsageError(`"${command}" takes ${what}; unexpected: ${rest.slice(count).join(" ")}`);
  };
  switch (command) {
    case "list": {
      expect(0, "no arguments");
      const names = values.name ? [values.name] : listModels(registry);
      if (names.length === 0) {
        io.stdout(
          `no models in ${registry.root} yet: build one (npm run repro), then \`tabula models promote\`\n`,
        );
        return 0;
      }
      return await list(io, registry, names, values.json);
    }
    case "promote": {
      expect(1, "at most one VERSION");
      const name = modelName(registry, packageDir, values.name);
      if (!report(io, name)) return 1;
      return await promoteCommand(io, registry, packageDir, name.value, rest[0], values.force);
    }
    case "rollback": {
      expect(0, "no arguments");
      const name = modelName(registry, packageDir, values.name);
      if (!report(io, name)) return 1;
      const result = rollback(registry, name.value);
      if (!report(io, result)) return 1;
      io.stdout(`rolled ${name.value} production back from ${result.value.from} to ${result.value.to}\n`);
      return 0;
    }
    case "show": {
      if (rest.length !== 1) throw new UsageError(`"show" takes one VERSION`);
      const name = modelName(registry, packageDir, values.name);
      if (!report(io, name)) return 1;
      return await show(io, registry, name.value, rest[0] as string, {
        json: values.json,
        graph: values.graph,
      });
    }
    case "diff": {
      if (rest.length !== 2)
        throw new UsageError(`"diff" takes two versions, e.g. diff ${PRODUCTION_ALIAS} package`);
      const name = modelName(registry, packageDir, values.name);
      if (!report(io, name)) return 1;
      return diff(io, registry, name.value, rest, cwd, values.json);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
