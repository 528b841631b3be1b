// A `${...}` resolved for a stage in pipeline.yaml: the keys it used join the stage's `used`, and a failure becomes
// the stage's invalid-pipeline error, located at the reference itself.
import { err, ok, type Result } from "../errors.js";
import type { Interpolated, UsedVar } from "./interpolate.js";
import type { YamlSource } from "./yaml-source.js";

export interface ReferenceSite {
  source: YamlSource;
  /** Where the resolved value stands in pipeline.yaml. */
  path: (string | number)[];
  stage: string;
  /** The stage's used variables so far; a success adds its own. */
  used: UsedVar[];
}

export function acceptResolved<T>(resolved: Interpolated<T>, site: ReferenceSite): Result<T> {
  if (!resolved.ok) {
    return err({
      kind: "invalid-pipeline",
      at: site.source.locateIn(site.path, resolved.reference),
      stage: site.stage,
      message: resolved.message,
    });
  }
  site.used.push(...resolved.used);
  return ok(resolved.value);
}
