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
import {
  checkSearchSpace,
  summarize,
  type TunedTrial,
  type TuneRequest,
  trialRecords,
  tune,
} from "../src/ml/tune/tune.js";

/** The study params.yaml describes, on the featurized training split (also what each shard of tune-shard runs). */
export function readTuneRequest(): TuneRequest {
  const params = unwrap(MlParams.read());
  const task = unwrap(params.task());
  const model = unwrap(params.model());
  const modelType = unwrap(modelTypeFor(params, model.type, task));
  const settings = unwrap(params.tune(task, model.type));
  const spaceProblem = checkSearchSpace(modelType, model.params, settings.modelSpace);
  if (spaceProblem) throw new MlFailure(params.file.error(spaceProblem.path, spaceProblem.message));
  const { data } = unwrap(loadFeaturizedSplit("train", task));
  return {
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
}

/** Writes metrics/tune.json and metrics/tune-trials.json; returns the stage's summary line. */
export function writeTuneResults(request: TuneRequest, trials: TunedTrial[], seconds: number): string {
  const summary = summarize(request, trials, resolveModelType(request.modelType));
  writeJsonAtomic(PATHS.tune, summary);
  writeJsonAtomic(PATHS.tuneTrials, trialRecords(trials));
  const { best } = summary;
  return `${trials.length} trials of ${request.modelType} (${request.folds}-fold CV, ${request.jobs} jobs) in ${seconds.toFixed(1)} s; best ${request.metric} ${best.cvMean.toPrecision(5)} ± ${best.cvStd.toPrecision(3)} (trial ${best.trial})`;
}

export async function tuneStage(): Promise<string> {
  const request = readTuneRequest();
  const progress = createProgress(request.trials, request.metric);
  const started = performance.now();
  const trials = await tune(request, (trial, best) => progress.trial(trial, best));
  progress.done();
  return writeTuneResults(request, trials, (performance.now() - started) / 1000);
}

await runStageIfMain(import.meta.url, "tune", tuneStage);
