// tune: TPE search over tune.space[model.type] with k-fold CV on the featurized training split
// → metrics/tune.json (best params, what train uses) and metrics/tune-trials.json (every trial).
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { modelTypeFor } from "../src/ml/model-choice.js";
import { MlParams } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { loadFeaturizedSplit } from "../src/ml/stage-inputs.js";
import { createProgress } from "../src/ml/tune/progress.js";
import { resolveModelType } from "../src/ml/tune/trial-setup.js";
import { checkSearchSpace, summarize, type TuneRequest, trialRecords, tune } from "../src/ml/tune/tune.js";

export async function tuneStage(): Promise<string> {
  const params = unwrap(MlParams.read());
  const task = unwrap(params.task());
  const model = unwrap(params.model());
  const modelType = unwrap(modelTypeFor(params, model.type, task));
  const settings = unwrap(params.tune(task, model.type));
  const spaceProblem = checkSearchSpace(modelType, model.params, settings.modelSpace);
  if (spaceProblem) throw new MlFailure(params.file.error(spaceProblem.path, spaceProblem.message));
  const { data } = unwrap(loadFeaturizedSplit("train", task));

  const request: TuneRequest = {
    data,
    modelType: model.type,
    fixedParams: model.params,
    space: settings.modelSpace,
    metric: settings.metric,
    trials: settings.trials,
    folds: settings.folds,
    jobs: settings.jobs,
    seed: settings.seed,
    modelSeed: model.seed,
    startupTrials: settings.startup_trials,
    candidates: settings.candidates,
  };
  const progress = createProgress(settings.trials, settings.metric);
  const started = performance.now();
  const trials = await tune(request, (trial, best) => progress.trial(trial, best));
  progress.done();
  const summary = summarize(request, trials, resolveModelType(model.type));
  writeJsonAtomic(PATHS.tune, summary);
  writeJsonAtomic(PATHS.tuneTrials, trialRecords(trials));
  const seconds = (performance.now() - started) / 1000;
  const { best } = summary;
  return `${trials.length} trials of ${model.type} (${settings.folds}-fold CV, ${settings.jobs} jobs) in ${seconds.toFixed(1)} s; best ${settings.metric} ${best.cvMean.toPrecision(5)} ± ${best.cvStd.toPrecision(3)} (trial ${best.trial})`;
}

await runStageIfMain(import.meta.url, "tune", tuneStage);
