import type { $ZodIssue } from "zod/v4/core";
import { err, ok, type Result } from "../errors.js";
import { normalizeDeclaredPath } from "../paths.js";
import { expandStage, type StageDefinition, type StageTemplate } from "./expand-stages.js";
import { hasReference, interpolate, type UsedVar, unresolvedAt } from "./interpolate.js";
import {
  ForeachSchema,
  MatrixSchema,
  PIPELINE_KEYS,
  PipelineSchema,
  STAGE_KEYS,
  StageSchema,
} from "./pipeline-schema.js";
import { describeIssue, firstInFile } from "./schema-issue.js";
import {
  type DeclaredOutput,
  type DeclaredPath,
  type OutputKind,
  PARAMS_FILE,
  type ParamRef,
  PIPELINE_FILE,
  type Stage,
} from "./stage.js";
import { loadVars, type ReadText } from "./vars.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** pipeline.yaml once parsed, validated and resolved: plain data, so the spec cache can keep it as JSON. */
export interface PipelineSpec {
  stages: Stage[];
  remote?: string;
}

/** A resolved spec and the files its `${...}` values were read from (the spec cache checks them too). */
export interface ResolvedSpec {
  spec: PipelineSpec;
  varsFiles: string[];
}

type SchemaIssues = { issues: readonly $ZodIssue[] };

/** The first issue in file order, with its path inside the whole file. */
function schemaError(
  error: SchemaIssues,
  prefix: readonly (string | number)[],
  source: YamlSource,
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[] | undefined,
): Result<never> {
  const described = error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    return {
      ...describeIssue({ ...issue, path } as $ZodIssue, source, allowedKeys),
      stage: path[0] === "stages" && typeof path[1] === "string" ? path[1] : undefined,
    };
  });
  const first = firstInFile(described);
  return err({
    kind: "invalid-pipeline",
    at: first?.at ?? source.locate(prefix),
    stage: first?.stage,
    message: first?.message ?? "invalid",
  });
}

/**
 * Parses, validates and resolves the text of pipeline.yaml (structure, keys, `${...}`, foreach and matrix, paths).
 * Params keys are checked against the params files in check-params.ts, the graph (cycles, overlapping outputs,
 * missing deps) in graph.ts.
 */
export function parsePipelineSpec(text: string, readText: ReadText = () => null): Result<ResolvedSpec> {
  const file = PIPELINE_FILE;
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) return parsed;
  const source = parsed.value;

  const checked = PipelineSchema.safeParse(source.data ?? {});
  if (!checked.success) {
    return schemaError(checked.error, [], source, (path) => (path.length === 0 ? PIPELINE_KEYS : undefined));
  }
  const raw = checked.data ?? { stages: {} };
  const vars = loadVars(raw.vars ?? [], source, readText);
  if (!vars.ok) return vars;

  const stages: Stage[] = [];
  for (const [name, entry] of Object.entries(raw.stages)) {
    const template = readTemplate(name, entry, source);
    if (!template.ok) return template;
    const definitions = expandStage(template.value, vars.value.scope, source);
    if (!definitions.ok) return definitions;
    for (const definition of definitions.value) {
      const stage = buildStage(definition, source);
      if (!stage.ok) return stage;
      stages.push(stage.value);
    }
  }
  const spec = raw.remote === undefined ? { stages } : { stages, remote: raw.remote };
  return ok({ spec, varsFiles: vars.value.files });
}

/** A stage entry validated as one of its three forms: a stage, a foreach with its `do`, or a matrix stage. */
function readTemplate(
  name: string,
  entry: Record<string, unknown>,
  source: YamlSource,
): Result<StageTemplate> {
  const prefix = ["stages", name];
  const at = source.locateKey(prefix);
  if (!STAGE_NAME.test(name)) {
    return err({
      kind: "invalid-pipeline",
      at,
      stage: name,
      message:
        "stage names may contain only letters, digits, '_', '-' and '.', and start with a letter or digit",
    });
  }
  if ("foreach" in entry || "do" in entry) {
    if (!("do" in entry) || !("foreach" in entry)) {
      return err({
        kind: "invalid-pipeline",
        at,
        stage: name,
        message: "a foreach stage needs both foreach (the values) and do (the stage to repeat for each)",
      });
    }
    const foreach = ForeachSchema.safeParse(entry);
    if (!foreach.success)
      return schemaError(foreach.error, prefix, source, (path) =>
        path.length === 2 ? ["foreach", "do"] : undefined,
      );
    const body = StageSchema.safeParse(foreach.data.do);
    if (!body.success)
      return schemaError(body.error, [...prefix, "do"], source, (path) =>
        path.length === 3 ? STAGE_KEYS : undefined,
      );
    return ok({ form: "foreach", name, foreach: foreach.data.foreach, body: body.data });
  }
  if ("matrix" in entry) {
    const matrix = MatrixSchema.safeParse(entry);
    if (!matrix.success)
      return schemaError(matrix.error, prefix, source, (path) =>
        path.length === 2 ? [...STAGE_KEYS, "matrix"] : undefined,
      );
    const { matrix: axes, ...body } = matrix.data;
    return ok({ form: "matrix", name, matrix: axes, body });
  }
  const stage = StageSchema.safeParse(entry);
  if (!stage.success)
    return schemaError(stage.error, prefix, source, (path) => (path.length === 2 ? STAGE_KEYS : undefined));
  return ok({ form: "stage", name, body: stage.data });
}

function buildStage(definition: StageDefinition, source: YamlSource): Result<Stage> {
  const { name, body: raw, bodyPath, scope } = definition;
  const at = source.locateKey(["stages", definition.group ?? name]);
  const used: UsedVar[] = [...definition.used];
  /** `value` (at `path` in pipeline.yaml) with its `${...}` resolved. */
  const resolve = (value: string, path: (string | number)[]): Result<string> => {
    if (!hasReference(value)) return ok(value);
    const done = interpolate(value, scope);
    if (!done.ok) return err(unresolvedAt(source, path, name, done.error));
    used.push(...done.value.used);
    return ok(done.value.value);
  };

  const cmdPath = [...bodyPath, "cmd"];
  const cmdAt = source.locate(cmdPath);
  const written = typeof raw.cmd === "string" ? [raw.cmd] : raw.cmd;
  const commands: string[] = [];
  for (const [index, command] of written.entries()) {
    const resolved = resolve(command, typeof raw.cmd === "string" ? cmdPath : [...cmdPath, index]);
    if (!resolved.ok) return resolved;
    commands.push(resolved.value);
  }
  if (commands.length === 0 || commands.some((command) => command.trim() === "")) {
    return err({ kind: "invalid-pipeline", at: cmdAt, stage: name, message: "cmd must not be empty" });
  }
  const cmd = typeof raw.cmd === "string" ? (commands[0] as string) : commands;

  const paths = (field: "deps" | "outs" | "metrics" | "plots"): Result<DeclaredPath[]> => {
    const declared: DeclaredPath[] = [];
    const seen = new Set<string>();
    for (const [index, item] of (raw[field] ?? []).entries()) {
      const mapForm = typeof item !== "string";
      const writtenAt = mapForm ? [...bodyPath, field, index, "path"] : [...bodyPath, field, index];
      const pathAt = source.locate(writtenAt);
      const resolved = resolve(mapForm ? item.path : item, writtenAt);
      if (!resolved.ok) return resolved;
      const rawPath = resolved.value;
      const normalized = normalizeDeclaredPath(rawPath);
      if ("reason" in normalized) {
        return err({
          kind: "invalid-path",
          at: pathAt,
          stage: name,
          path: rawPath,
          reason: normalized.reason,
        });
      }
      if (seen.has(normalized.path)) {
        return err({
          kind: "invalid-pipeline",
          at: pathAt,
          stage: name,
          message: `"${normalized.path}" is listed twice in ${field}`,
        });
      }
      seen.add(normalized.path);
      declared.push(
        mapForm && item.optional
          ? { path: normalized.path, at: pathAt, optional: true }
          : { path: normalized.path, at: pathAt },
      );
    }
    return ok(declared);
  };

  const deps = paths("deps");
  if (!deps.ok) return deps;
  const outputs: DeclaredOutput[] = [];
  for (const [field, kind] of [
    ["outs", "out"],
    ["metrics", "metric"],
    ["plots", "plot"],
  ] as const satisfies readonly (readonly ["outs" | "metrics" | "plots", OutputKind])[]) {
    const declared = paths(field);
    if (!declared.ok) return declared;
    outputs.push(...declared.value.map((entry) => ({ ...entry, kind })));
  }

  const params: ParamRef[] = [];
  for (const [index, item] of (raw.params ?? []).entries()) {
    if (typeof item === "string") {
      const key = resolve(item, [...bodyPath, "params", index]);
      if (!key.ok) return key;
      params.push({ file: PARAMS_FILE, key: key.value, at: source.locate([...bodyPath, "params", index]) });
      continue;
    }
    for (const [file, keys] of Object.entries(item)) {
      const normalized = normalizeDeclaredPath(file);
      const fileAt = source.locateKey([...bodyPath, "params", index, file]);
      if ("reason" in normalized) {
        return err({ kind: "invalid-path", at: fileAt, stage: name, path: file, reason: normalized.reason });
      }
      for (const [keyIndex, written] of keys.entries()) {
        const keyPath = [...bodyPath, "params", index, file, keyIndex];
        const key = resolve(written, keyPath);
        if (!key.ok) return key;
        params.push({ file: normalized.path, key: key.value, at: source.locate(keyPath) });
      }
    }
  }
  for (const param of params) {
    if (param.key.trim() === "" || param.key.split(".").some((part) => part === "")) {
      return err({
        kind: "invalid-pipeline",
        at: param.at,
        stage: name,
        message: `params key "${param.key}" is not a dotted key like train.lr`,
      });
    }
  }

  const vars = new Map(used.map((ref) => [`${ref.file}\0${ref.key}`, ref]));
  return ok({
    name,
    ...(definition.group === undefined ? {} : { group: definition.group }),
    at,
    cmd,
    commands,
    cmdAt,
    deps: deps.value,
    params,
    outputs,
    vars: [...vars.values()],
    desc: raw.desc ?? undefined,
    alwaysChanged: raw.always_changed ?? false,
    frozen: raw.frozen ?? false,
  });
}
