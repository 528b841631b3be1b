// tune: TPE search over tune.space[model.type] (under auto: over model.candidates, a conditional space) with
// (repeated) k-fold CV on the featurized training split
// → metrics/tune.json (best params, what train uses) and metrics/tune-trials.json (every trial).
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { writeJsonAtomic } from "../src/ml/io.js";
import { AUTO, modelCandidates } from "../src/ml/model-choice.js";
import { MlParams, type SearchSpace } from "../src/ml/params.js";
import { PATHS } from "../src/ml/paths.js";
import { runStageIfMain } from "../src/ml/stage.js";
import { loadFeaturizedSplit } from "../src/ml/stage-inputs.js";
import { createProgress } from "../src/ml/tune/progress.js";
import {
  checkSearchSpace,
  type ModelBranch,
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
  const candidates = unwrap(modelCandidates(params, model, task));
  const auto = model.type === AUTO;
  const settings = auto
    ? unwrap(params.tuneAuto(task, model.candidates))
    : (() => {
        const single = unwrap(params.tune(task, model.type));
        return { ...single, spaces: { [model.type]: single.modelSpace } };
      })();
  const branches: Record<string, ModelBranch> = {};
  for (const { modelType, fixedParams, fixedAt } of candidates) {
    const space = settings.spaces[modelType.name] as SearchSpace;
    const spaceProblem = checkSearchSpace(modelType, fixedParams, space, fixedAt);
    if (spaceProblem) throw new MlFailure(params.file.error(spaceProblem.path, spaceProblem.message));
    branches[modelType.name] = { fixedParams, space };
  }
  const { data } = unwrap(loadFeaturizedSplit("train", task));
  if (settings.folds > data.rows)
    throw new MlFailure(
      params.file.error(
        ["tune", "folds"],
        `${settings.folds} folds need at least as many training rows (${data.rows})`,
      ),
    );
  return {
    data,
    modelType: model.type,
    fixedParams: auto ? {} : model.params,
    space: auto ? {} : (settings.spaces[model.type] as SearchSpace),
    ...(auto ? { branches } : {}),
    metric: settings.metric,
    trials: settings.trials,
    folds: settings.folds,
    repeats: settings.repeats,
    earlyStoppingRounds: settings.early_stopping_rounds,
    startWithDefaults: settings.start_with_defaults,
    jobs: settings.jobs,
    seed: settings.seed,
    modelSeed: model.seed,
    startupTrials: settings.startup_trials,
    candidates: settings.candidates,
  };
}

/** Writes metrics/tune.json and metrics/tune-trials.json; returns the stage's summary line. */
export function writeTuneResults(request: TuneRequest, trials: TunedTrial[], seconds: number): string {
  const summary = summarize(request, trials);
  writeJsonAtomic(PATHS.tune, summary);
  writeJsonAtomic(PATHS.tuneTrials, trialRecords(trials));
  const { best } = summary;
  const searched = summary.searched ? `${AUTO} (${summary.searched.join(", ")})` : request.modelType;
  const cv = `${request.folds}-fold CV${summary.repeats ? ` × ${summary.repeats}` : ""}`;
  const chosen = summary.searched ? `, ${summary.modelType}` : "";
  const rounds = summary.best.rounds ? `, ${summary.params.n_estimators} rounds (early stopping)` : "";
  return `${trials.length} trials of ${searched} (${cv}, ${request.jobs} jobs) in ${seconds.toFixed(1)} s; best ${request.metric} ${best.cvMean.toPrecision(5)} ± ${best.cvStd.toPrecision(3)} (trial ${best.trial}${chosen}${rounds})`;
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
