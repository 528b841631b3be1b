// champion: copy the registry's production model metrics (registry.dir/registry.name) into data/champion.json.
// Declared always_changed: it runs every time, and evaluate reruns only when the bytes it writes change.
import { readChampion } from "../src/ml/champion.js";
import { unwrap } from "../src/ml/errors.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";

export function championStage(): string {
  const params = unwrap(MlParams.read());
  const registry = unwrap(params.registry());
  const champion = unwrap(readChampion(registry.dir, registry.name));
  writeJsonAtomic(PATHS.champion, champion);
  return champion.version === null
    ? `no production model for "${registry.name}" in ${registry.dir}/ yet`
    : `production is ${registry.name}@${champion.version}`;
}

await runStageIfMain(import.meta.url, "champion", championStage);
