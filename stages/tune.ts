// tune: TPE search over tune.space[model.type] (under auto: over model.candidates, a conditional space) with
// (repeated) k-fold CV on the featurized training split
// → metrics/tune.json (best params, what train uses) and metrics/tune-trials.json (every trial).
import { MlFailure, unwrap } from "../src/ml/errors.js";
import { sampleRows } from "../src/ml/features/sample-rows.js";
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

/** A study on the training split, or on a sample of it (tune.max_rows). */
export interface TuneStageRequest extends TuneRequest {
  /** Rows of the whole training split; more than `data.rows` when the search runs on a sample. */
  trainingRows: number;
}

/** The study params.yaml describes, on the featurized training split (also what each shard of tune-shard runs). */
export function readTuneRequest(): TuneStageRequest {
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
  const { data: train } = unwrap(loadFeaturizedSplit("train", task));
  const data = settings.max_rows === null ? train : sampleRows(train, settings.max_rows, settings.seed);
  if (settings.folds > data.rows)
    throw new MlFailure(
      params.file.error(
        ["tune", "folds"],
        `${settings.folds} folds need at least as many training rows (${data.rows}${data === train ? "" : ", tune.max_rows"})`,
      ),
    );
  return {
    data,
    trainingRows: train.rows,
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
export function writeTuneResults(request: TuneStageRequest, trials: TunedTrial[], seconds: number): string {
  const summary = summarize(request, trials);
  writeJsonAtomic(PATHS.tune, summary);
  writeJsonAtomic(PATHS.tuneTrials, trialRecords(trials));
  const { best } = summary;
  const searched = summary.searched ? `${AUTO} (${summary.searched.join(", ")})` : request.modelType;
  const sampled =
    request.data.rows < request.trainingRows
      ? ` on ${request.data.rows} of ${request.trainingRows} rows (tune.max_rows)`
      : "";
  const cv = `${request.folds}-fold CV${summary.repeats ? ` × ${summary.repeats}` : ""}${sampled}`;
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
