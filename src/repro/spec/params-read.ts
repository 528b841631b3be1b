import { err, ok, type Result } from "../errors.js";
import { PARAMS_FILE, PIPELINE_FILE, type Stage } from "./stage.js";

/**
 * Every params key some stage reads (under `params`, or through `${...}`), as `-S` spells it (`train.lr`,
 * `other.yaml:key`), in first-seen order.
 */
export function paramsRead(stages: readonly Stage[]): string[] {
  const keys = new Set<string>();
  const spell = (ref: { file: string; key: string }) =>
    ref.file === PARAMS_FILE ? ref.key : `${ref.file}:${ref.key}`;
  for (const stage of stages) {
    for (const ref of stage.params) keys.add(spell(ref));
    for (const ref of stage.vars) if (ref.file !== PIPELINE_FILE) keys.add(spell(ref));
  }
  return [...keys];
}

/**
 * An override must set a key some stage reads (the key itself, a part of it, or a section holding it): a typo would
 * otherwise add a key nothing reads and run the same pipeline again.
 */
export function checkOverrideKeys(
  stages: readonly Stage[],
  overrides: Record<string, unknown>,
): Result<void> {
  const read = paramsRead(stages);
  for (const key of Object.keys(overrides)) {
    if (read.some((known) => known === key || known.startsWith(`${key}.`) || key.startsWith(`${known}.`)))
      continue;
    return err({
      kind: "usage",
      message: `--set-param ${key}: no stage reads this params key; stages read: ${read.join(", ") || "none"}`,
    });
  }
  return ok(undefined);
}
