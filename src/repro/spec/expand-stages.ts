// foreach and matrix stages (DVC 3's syntax): one template, several stages named `group@key`.
//
//   tune:                              tune:
//     foreach: [forest, gbt]             matrix:
//     do:                                  model: [forest, gbt]
//       cmd: tune.ts ${item}               fold: [1, 2]
//                                          cmd: tune.ts ${item.model} ${item.fold}
//   → tune@forest, tune@gbt            → tune@forest-1, tune@forest-2, tune@gbt-1, tune@gbt-2
//
// A foreach over a mapping names each stage by its key and gives `${key}` and `${item}`; over a list, by the item
// (its index when the item is not a scalar). A matrix names each stage by its values joined with `-` (`name` +
// index for a value that is not a scalar) and gives `${item.<name>}`.
import { err, ok, type Result } from "../errors.js";
import { resolveWhole, type Scope, type UsedVar, unresolvedAt } from "./interpolate.js";
import type { RawStage } from "./pipeline-schema.js";
import type { YamlSource } from "./yaml-source.js";

const KEY_PART = /^[A-Za-z0-9_.-]+$/;

/** One stage to build: its body as written, where that body is in pipeline.yaml, and what `${...}` sees there. */
export interface StageDefinition {
  name: string;
  group?: string;
  body: RawStage;
  bodyPath: (string | number)[];
  scope: Scope;
  /** Vars read to generate it (`foreach: ${models}`). */
  used: UsedVar[];
}

export type StageTemplate =
  | { form: "stage"; name: string; body: RawStage }
  | { form: "foreach"; name: string; foreach: unknown; body: RawStage }
  | { form: "matrix"; name: string; matrix: Record<string, unknown>; body: RawStage };

const isScalar = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

export function expandStage(
  template: StageTemplate,
  vars: Scope,
  source: YamlSource,
): Result<StageDefinition[]> {
  const { name } = template;
  if (template.form === "stage") {
    return ok([{ name, body: template.body, bodyPath: ["stages", name], scope: vars, used: [] }]);
  }
  const withLocal = (local: Record<string, unknown>): Scope => ({
    layers: [local, ...vars.layers],
    origin: vars.origin,
  });
  const members: { key: string; local: Record<string, unknown> }[] = [];
  const used: UsedVar[] = [];

  if (template.form === "foreach") {
    const path = ["stages", name, "foreach"];
    const resolved = resolveWhole(template.foreach, vars);
    if (!resolved.ok) return err(unresolvedAt(source, path, name, resolved.error));
    used.push(...resolved.value.used);
    const items = resolved.value.value;
    if (Array.isArray(items)) {
      for (const [index, item] of items.entries())
        members.push({ key: isScalar(item) ? String(item) : String(index), local: { item } });
    } else if (items !== null && typeof items === "object") {
      for (const [key, item] of Object.entries(items)) members.push({ key, local: { key, item } });
    } else {
      return err({
        kind: "invalid-pipeline",
        at: source.locate(path),
        stage: name,
        message: `foreach must be a list or a mapping (or \${key} naming one)`,
      });
    }
  } else {
    let combinations: { parts: string[]; item: Record<string, unknown> }[] = [{ parts: [], item: {} }];
    for (const [axis, raw] of Object.entries(template.matrix)) {
      const path = ["stages", name, "matrix", axis];
      const resolved = resolveWhole(raw, vars);
      if (!resolved.ok) return err(unresolvedAt(source, path, name, resolved.error));
      used.push(...resolved.value.used);
      const values = resolved.value.value;
      if (!Array.isArray(values) || values.length === 0) {
        return err({
          kind: "invalid-pipeline",
          at: source.locate(path),
          stage: name,
          message: `matrix.${axis} must be a non-empty list (or \${key} naming one)`,
        });
      }
      combinations = combinations.flatMap(({ parts, item }) =>
        values.map((value, index) => ({
          parts: [...parts, isScalar(value) ? String(value) : `${axis}${index}`],
          item: { ...item, [axis]: value },
        })),
      );
    }
    for (const { parts, item } of combinations) members.push({ key: parts.join("-"), local: { item } });
  }

  const bodyPath = template.form === "foreach" ? ["stages", name, "do"] : ["stages", name];
  const seen = new Set<string>();
  const definitions: StageDefinition[] = [];
  for (const { key, local } of members) {
    const at = source.locateKey(["stages", name]);
    if (!KEY_PART.test(key)) {
      return err({
        kind: "invalid-pipeline",
        at,
        stage: name,
        message: `generated stage name "${name}@${key}": the part after @ may contain only letters, digits, '_', '-' and '.'`,
      });
    }
    if (seen.has(key)) {
      return err({
        kind: "invalid-pipeline",
        at,
        stage: name,
        message: `"${name}@${key}" would be generated twice`,
      });
    }
    seen.add(key);
    definitions.push({
      name: `${name}@${key}`,
      group: name,
      body: template.body,
      bodyPath,
      scope: withLocal(local),
      used,
    });
  }
  return ok(definitions);
}
