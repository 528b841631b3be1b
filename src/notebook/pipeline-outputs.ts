// What the pipeline wrote, read back with the stages' own schemas and code: the tuning result and its trials, the
// trained model, its predictions on the test split (recomputed exactly as the evaluate stage computes them), the
// evaluation and the registry's production model it was compared with. A missing file names the stage to run.

import { type TrialRecord, TrialRecordsSchema } from "../ml/analysis/tuning.js";
import { type Champion, readChampion, readRegistryVersion } from "../ml/champion.js";
import { loadPrepared } from "../ml/data/load.js";
import type { Table } from "../ml/data/table.js";
import { type MlError, MlFailure, unwrap } from "../ml/errors.js";
import { type Evaluation, EvaluationSchema } from "../ml/evaluation.js";
import { readJson } from "../ml/io.js";
import type { Predictions } from "../ml/metrics.js";
import type { TrainingSet } from "../ml/models/model-type.js";
import type { TreeEnsemble } from "../ml/models/tree-ensemble.js";
import { type Dataset, MlParams, type SearchSpace } from "../ml/params.js";
import { PATHS } from "../ml/paths.js";
import { evaluationPlots, type Plots } from "../ml/plots.js";
import { predictionsFor } from "../ml/predictions.js";
import { readTreeEnsemble } from "../ml/read-trees.js";
import { loadFeaturizedSplit } from "../ml/stage-inputs.js";
import { type TuneSummary, TuneSummarySchema } from "../ml/tune/summary.js";
import type { Result } from "../result.js";

export interface PipelineOutputs {
  task: Dataset["task"];
  target: string;
  tuning: TuneSummary;
  trials: TrialRecord[];
  /** The search space the trials were drawn from (params.yaml `tune.space.<model type>`). */
  space: SearchSpace;
  model: TreeEnsemble;
  evaluation: Evaluation;
  champion: Champion;
  /** The test split as prepare wrote it (raw feature values, before featurizing). */
  test: Table;
  /** The featurized test split the model saw. */
  testSet: TrainingSet;
  predictions: Predictions;
  /** The evaluate stage's plot records, recomputed: predicted-vs-actual, residuals, feature-importance, roc, … */
  plots: Plots;
}

const WRITTEN_BY: Record<string, string> = {
  [PATHS.tune]: "tune",
  [PATHS.tuneTrials]: "tune",
  [PATHS.model]: "train",
  [PATHS.evaluate]: "evaluate",
  [PATHS.test]: "prepare",
  [PATHS.profile]: "prepare",
  [PATHS.featurizer]: "featurize",
};

/** `modelVersion` (a notebook parameter) compares against that registry version instead of production's. */
export function readPipelineOutputs(paramsPath = "params.yaml", modelVersion = ""): PipelineOutputs {
  const params = unwrap(MlParams.read(paramsPath));
  const dataset = unwrap(params.dataset());
  const task = dataset.task;
  const tuning = read(readJson(PATHS.tune, TuneSummarySchema));
  const trials = read(readJson(PATHS.tuneTrials, TrialRecordsSchema));
  const tune = params.tune(task, tuning.modelType);
  const model = read(readTreeEnsemble(PATHS.model));
  const evaluation = read(readJson(PATHS.evaluate, EvaluationSchema));
  const registry = unwrap(params.registry());
  const champion = read(
    modelVersion === ""
      ? readChampion(registry.dir, registry.name)
      : readRegistryVersion(registry.dir, registry.name, modelVersion),
  );
  const split = read(loadFeaturizedSplit("test", task));
  const test = read(loadPrepared(PATHS.test, split.profile));
  const predictions = predictionsFor(model, split.data);
  return {
    task,
    target: dataset.target,
    tuning,
    trials,
    space: tune.ok ? tune.value.modelSpace : {},
    model,
    evaluation,
    champion,
    test,
    testSet: split.data,
    predictions,
    plots: evaluationPlots(predictions, model, split.data.classes),
  };
}

/** The value, or a failure that says which stage writes the missing file. */
function read<T>(result: Result<T, MlError>): T {
  if (result.ok) return result.value;
  const error = result.error;
  if (error.kind === "artifact" || error.kind === "data") {
    const stage = WRITTEN_BY[error.file];
    if (stage && /missing|cannot read/.test(error.message))
      throw new MlFailure({
        ...error,
        message: `missing: run \`tabula repro ${stage}\` (or \`npm run repro\`) first`,
      });
  }
  return unwrap(result);
}
