// What every model type offers the pipeline: validate its params, fit, and hand back the one tree format.
// The tuner, the train stage, notebooks and benchmarks go through this interface only.
import type { z } from "zod";
import type { Tree, TreeEnsemble } from "./tree-ensemble.js";

export type Task = "regression" | "classification";

/** Model input rows: the featurizer's output, row-major float32, rows × features.length. */
export interface TrainingSet {
  task: Task;
  x: Float32Array;
  rows: number;
  features: string[];
  /** Regression: the target. Classification: the class index into `classes`. */
  y: Float64Array;
  classes?: (string | number)[];
}

export interface FitOptions {
  seed: number;
  /** Threads the learner may use (worker threads); 1 inside tuner workers, which parallelise across trials. */
  threads?: number;
  /**
   * Called after each boosting round with that round's trees (one per output) and the ensemble's base scores;
   * returning "stop" ends boosting after this round (early stopping). Learners without rounds never call it.
   */
  afterRound?: (trees: Tree[], base: readonly number[]) => "stop" | undefined;
}

export interface ModelType<Params = Record<string, unknown>> {
  name: string;
  tasks: Task[];
  /** Parses the params from params.yaml or from the tuner; errors name the key. */
  params: z.ZodType<Params>;
  fit(data: TrainingSet, params: Params, options: FitOptions): TreeEnsemble | Promise<TreeEnsemble>;
}
