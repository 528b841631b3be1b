// evaluate: the trained model on the featurized test split → metrics/evaluate.json (test metrics and the champion
// gate's decision against the registry's production model) and plot data in metrics/plots/.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readChampion } from "../src/ml/champion.js";
import { unwrap } from "../src/ml/errors.js";
import { evaluateCandidate } from "../src/ml/evaluation.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { metricDirection } from "../src/ml/metrics.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { evaluationPlots } from "../src/ml/plots.js";
import { predictionsFor } from "../src/ml/predictions.js";
import { readTreeEnsemble } from "../src/ml/read-trees.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { loadFeaturizedSplit } from "../src/ml/stage-inputs.js";

export function evaluateStage(): string {
  const params = unwrap(MlParams.read());
  const task = unwrap(params.task());
  const settings = unwrap(params.evaluate(task));
  const ensemble = unwrap(readTreeEnsemble(PATHS.model));
  const registry = unwrap(params.registry());
  const champion = unwrap(readChampion(registry.dir, registry.name));
  const { data } = unwrap(loadFeaturizedSplit("test", task));
  const predictions = predictionsFor(ensemble, data);
  const direction = settings.direction ?? metricDirection(settings.metric);
  const model = createHash("sha256").update(readFileSync(PATHS.model)).digest("hex");
  const evaluation = evaluateCandidate(
    predictions,
    ensemble.modelType,
    champion,
    settings.metric,
    direction,
    model,
  );
  writeJsonAtomic(PATHS.evaluate, evaluation);
  for (const [name, records] of Object.entries(evaluationPlots(predictions, ensemble, data.classes)))
    writeJsonAtomic(join(PATHS.plots, `${name}.json`), records);
  const value = evaluation.metrics[settings.metric] as number;
  return `${settings.metric} ${value.toPrecision(5)} on ${evaluation.testRows} test rows; promote: ${evaluation.promote} (${evaluation.reason})`;
}

await runStageIfMain(import.meta.url, "evaluate", evaluateStage);
