import { err, ok, type Result } from "../errors.js";
import { normalizeDeclaredPath } from "../paths.js";
import { PIPELINE_KEYS, PipelineSchema, type RawStage, STAGE_KEYS } from "./pipeline-schema.js";
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
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** pipeline.yaml once parsed and validated: plain data, so the spec cache can keep it as JSON. */
export interface PipelineSpec {
  stages: Stage[];
  remote?: string;
}

/**
 * Parses and validates the text of pipeline.yaml (structure, keys, paths). Params keys are checked against the
 * params files in check-params.ts, the graph (cycles, overlapping outputs, missing deps) in graph.ts.
 */
export function parsePipelineSpec(text: string): Result<PipelineSpec> {
  const file = PIPELINE_FILE;
  const parsed = parseYamlSource(text, file);
  if (!parsed.ok) return parsed;
  const source = parsed.value;

  const checked = PipelineSchema.safeParse(source.data ?? {});
  if (!checked.success) {
    const allowedKeys = (path: readonly PropertyKey[]) =>
      path.length === 0 ? PIPELINE_KEYS : path.length === 2 && path[0] === "stages" ? STAGE_KEYS : undefined;
    const described = checked.error.issues.map((issue) => ({
      ...describeIssue(issue, source, allowedKeys),
      stage: issue.path[0] === "stages" && typeof issue.path[1] === "string" ? issue.path[1] : undefined,
    }));
    const first = firstInFile(described);
    if (first)
      return err({ kind: "invalid-pipeline", at: first.at, stage: first.stage, message: first.message });
  }
  const raw = checked.data ?? { stages: {} };

  const stages: Stage[] = [];
  for (const [name, rawStage] of Object.entries(raw.stages)) {
    const stage = buildStage(name, rawStage, source);
    if (!stage.ok) return stage;
    stages.push(stage.value);
  }
  return ok(raw.remote === undefined ? { stages } : { stages, remote: raw.remote });
}

function buildStage(name: string, raw: RawStage, source: YamlSource): Result<Stage> {
  const at = source.locateKey(["stages", name]);
  if (!STAGE_NAME.test(name)) {
    return err({
      kind: "invalid-pipeline",
      at,
      stage: name,
      message:
        "stage names may contain only letters, digits, '_', '-' and '.', and start with a letter or digit",
    });
  }
  const commands = typeof raw.cmd === "string" ? [raw.cmd] : raw.cmd;
  const cmdAt = source.locate(["stages", name, "cmd"]);
  if (commands.length === 0 || commands.some((command) => command.trim() === "")) {
    return err({ kind: "invalid-pipeline", at: cmdAt, stage: name, message: "cmd must not be empty" });
  }

  const paths = (field: "deps" | "outs" | "metrics" | "plots"): Result<DeclaredPath[]> => {
    const declared: DeclaredPath[] = [];
    const seen = new Set<string>();
    for (const [index, rawPath] of (raw[field] ?? []).entries()) {
      const pathAt = source.locate(["stages", name, field, index]);
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
      declared.push({ path: normalized.path, at: pathAt });
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
      params.push({ file: PARAMS_FILE, key: item, at: source.locate(["stages", name, "params", index]) });
      continue;
    }
    for (const [file, keys] of Object.entries(item)) {
      const normalized = normalizeDeclaredPath(file);
      const fileAt = source.locateKey(["stages", name, "params", index, file]);
      if ("reason" in normalized) {
        return err({ kind: "invalid-path", at: fileAt, stage: name, path: file, reason: normalized.reason });
      }
      for (const [keyIndex, key] of keys.entries()) {
        params.push({
          file: normalized.path,
          key,
          at: source.locate(["stages", name, "params", index, file, keyIndex]),
        });
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

  return ok({
    name,
    at,
    cmd: raw.cmd,
    commands,
    cmdAt,
    deps: deps.value,
    params,
    outputs,
    desc: raw.desc ?? undefined,
    alwaysChanged: raw.always_changed ?? false,
    frozen: raw.frozen ?? false,
  });
}
