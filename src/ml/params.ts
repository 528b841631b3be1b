// The sections of params.yaml that the ML stages read. Each stage validates the sections it uses (with file:line
// errors through ParamsFile); the engine hashes the raw values independently.
import { z } from "zod";
import {
  DATE_PARTS,
  DEFAULT_REFERENCE,
  dateFormatProblem,
  dateProblem,
  parseDate,
} from "../artifact/date-features.js";
import { parseCondition } from "./data/expectations/rule.js";
import { type Suite, SuiteSchema } from "./data/expectations/suite-schema.js";
import { err, ok, type Result } from "./errors.js";
import { METRIC_NAMES, metricTask } from "./metrics.js";
import { ParamsFile } from "./params-file.js";

const Task = z.enum(["regression", "classification"]);
const ColumnName = z.string().min(1);
const Label = z.union([z.string(), z.number()]);

export const ColumnCheckSchema = z
  .object({
    /** float, integer, string or date (ISO 8601, or `format`); inferred from the values when absent (never date). */
    type: z.enum(["float", "integer", "string", "date"]).optional(),
    /** type: date only: the text's layout in tokens YYYY MM DD HH mm ss, e.g. `DD/MM/YYYY` (ISO 8601 when absent). */
    format: z.string().min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** The only values allowed (categories, flags). */
    allowed: z.array(Label).min(1).optional(),
    /** Whether the value may be missing; missing values are errors otherwise. */
    nullable: z.boolean().default(false),
  })
  .strict();

export const DatasetSchema = z
  .object({
    path: z.string().min(1),
    target: ColumnName,
    task: Task,
    drop: z.array(ColumnName).default([]),
    /** Columns whose values are categories (strings or integer codes), not quantities. */
    categorical: z.array(ColumnName).default([]),
    /** Cell texts that mean "missing" (an empty cell always does). */
    missing: z.array(z.string()).default(["NA", "NaN", "null"]),
    /** Per-column checks; every column not listed is still type-checked and must not have missing values. */
    columns: z.record(ColumnName, ColumnCheckSchema).default({}),
    /** Rows whose target is missing: an error (default), or dropped before the split (prepare reports how many). */
    missing_target: z.enum(["error", "drop"]).default("error"),
  })
  .strict();

export const SplitSchema = z
  .object({
    test_size: z.number().gt(0).lt(1),
    seed: z.number().int(),
    /** Keep class proportions in both splits (classification only). */
    stratify: z.boolean().default(true),
  })
  .strict();

const Columns = z.array(ColumnName).min(1);
export const FeatureStepParamsSchema = z.discriminatedUnion("op", [
  z
    .object({
      op: z.literal("impute"),
      columns: Columns,
      strategy: z.enum(["mean", "median", "most_frequent", "constant"]),
      value: Label.optional(),
    })
    .strict(),
  z.object({ op: z.literal("log1p"), columns: Columns }).strict(),
  z.object({ op: z.literal("scale"), columns: Columns }).strict(),
  z
    .object({
      op: z.literal("clip"),
      columns: Columns,
      min: z.number().optional(),
      max: z.number().optional(),
      /** Fitted bounds: the training quantiles, e.g. [0.01, 0.99]. */
      quantiles: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
    })
    .strict(),
  z.object({ op: z.literal("onehot"), columns: Columns }).strict(),
  z
    .object({
      /** Date columns → numeric inputs `<column>.<part>`, derived from the date text in training and by the server. */
      op: z.literal("date"),
      columns: Columns,
      parts: z
        .array(z.enum(DATE_PARTS))
        .min(1)
        .default(["year", "month", "day_of_week", "day_of_year", "days_since"]),
      /** days_since counts from this ISO date. */
      reference: z.string().default(DEFAULT_REFERENCE),
    })
    .strict(),
  z
    .object({
      op: z.literal("derive"),
      name: ColumnName,
      /** Arithmetic over columns: + - * / ( ), numbers, log1p() log() sqrt() abs(). */
      expr: z.string().min(1),
    })
    .strict(),
]);

export const FeaturesSchema = z
  .object({
    steps: z.array(FeatureStepParamsSchema).default([]),
    /** Columns kept out of the model's inputs (e.g. replaced by a derived column). */
    exclude: z.array(ColumnName).default([]),
  })
  .strict();

export const ModelSchema = z
  .object({
    /** A model type, or "auto": one search over `candidates` (a conditional space), the best type is trained. */
    type: z.string().min(1),
    /** The model types `auto` searches over. */
    candidates: z.array(z.string().min(1)).min(1).default(["forest", "gbt"]),
    seed: z.number().int().default(42),
    /** Threads the final fit may use; results do not depend on it. */
    threads: z.number().int().positive().default(1),
    /** Fixed params; tuned params override them. Under `auto`, one section per model type (`gbt: {...}`). */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const SearchParamSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("uniform"), low: z.number(), high: z.number() }).strict(),
  z
    .object({ type: z.literal("log_uniform"), low: z.number().positive(), high: z.number().positive() })
    .strict(),
  z
    .object({
      type: z.literal("int"),
      low: z.number().int(),
      high: z.number().int(),
      step: z.number().int().positive().default(1),
      log: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal("categorical"),
      choices: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1),
    })
    .strict(),
]);

const Metric = z.enum(METRIC_NAMES);

export const TuneSchema = z
  .object({
    trials: z.number().int().positive(),
    folds: z.number().int().min(2),
    /** Repeated k-fold: each trial is scored on this many reshuffled k-fold partitions (steadier on small data). */
    repeats: z.number().int().min(1).default(1),
    /**
     * Boosting stops in each CV fold once the fold's held-out loss has not improved for this many rounds; folds are
     * scored, and the final fit made, at the round count with the lowest mean held-out loss (n_estimators is then
     * the most rounds a fold may take). null: off.
     */
    early_stopping_rounds: z.number().int().positive().nullable().default(null),
    /** The first trial of each model type is its learner's defaults (clamped into the space), then TPE. */
    start_with_defaults: z.boolean().default(true),
    /**
     * Search on at most this many training rows (a seeded sample, stratified by class for classification): on a
     * big table, a sample ranks params nearly as well at a fraction of the cost. train still fits on every row.
     * null: every row.
     */
    max_rows: z.number().int().min(2).nullable().default(null),
    /** Trials evaluated at once on worker threads; results are reproducible for a given value. */
    jobs: z.number().int().positive().default(1),
    seed: z.number().int(),
    metric: Metric,
    /** Random trials before TPE takes over, and TPE's candidates per suggestion (Optuna's defaults). */
    startup_trials: z.number().int().min(1).default(10),
    candidates: z.number().int().positive().default(24),
    /** Search space per model type: param name → distribution. */
    space: z.record(z.string(), z.record(z.string(), SearchParamSchema)),
  })
  .strict();

export const EvaluateSchema = z
  .object({
    metric: Metric,
    direction: z.enum(["minimize", "maximize"]).optional(),
  })
  .strict();

export const RegistrySchema = z
  .object({
    dir: z.string().min(1).default("models"),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' and '-'"),
  })
  .strict();

export type Dataset = z.infer<typeof DatasetSchema>;
export type ColumnCheck = z.infer<typeof ColumnCheckSchema>;
export type SplitParams = z.infer<typeof SplitSchema>;
export type FeatureStepParams = z.infer<typeof FeatureStepParamsSchema>;
export type FeaturesParams = z.infer<typeof FeaturesSchema>;
export type ModelParams = z.infer<typeof ModelSchema>;
export type SearchParam = z.infer<typeof SearchParamSchema>;
export type SearchSpace = Record<string, SearchParam>;
export type TuneParams = z.infer<typeof TuneSchema>;
export type EvaluateParams = z.infer<typeof EvaluateSchema>;
export type RegistryParams = z.infer<typeof RegistrySchema>;

/** The sections of params.yaml, validated on demand; cross-section checks live in these accessors. */
export class MlParams {
  constructor(readonly file: ParamsFile) {}

  static read(path = "params.yaml"): Result<MlParams> {
    const file = ParamsFile.read(path);
    return file.ok ? ok(new MlParams(file.value)) : file;
  }

  dataset(): Result<Dataset> {
    const dataset = this.file.section(["dataset"], DatasetSchema);
    if (!dataset.ok) return dataset;
    const { target, drop, categorical, columns } = dataset.value;
    if (drop.includes(target)) return this.paramsError(["dataset", "drop"], `drops the target "${target}"`);
    const dropped = categorical.find((name) => drop.includes(name));
    if (dropped) return this.paramsError(["dataset", "categorical"], `"${dropped}" is also in dataset.drop`);
    for (const [name, check] of Object.entries(columns)) {
      if (check.min !== undefined && check.max !== undefined && check.min > check.max)
        return this.paramsError(
          ["dataset", "columns", name, "min"],
          `min ${check.min} is above max ${check.max}`,
        );
      if (check.format !== undefined && check.type !== "date")
        return this.paramsError(
          ["dataset", "columns", name, "format"],
          "a format applies to `type: date` columns only",
        );
      const problem = check.format === undefined ? undefined : dateFormatProblem(check.format);
      if (problem) return this.paramsError(["dataset", "columns", name, "format"], problem);
      if (check.type === "date" && categorical.includes(name))
        return this.paramsError(
          ["dataset", "categorical"],
          `"${name}" is a date column (dataset.columns.${name}.type)`,
        );
    }
    return dataset;
  }

  /** dataset.task alone: the stages after prepare need only this from the dataset section. */
  task(): Result<Dataset["task"]> {
    return this.file.section(["dataset", "task"], Task);
  }

  /** The optional top-level `expectations` list (empty when absent); a rule that does not parse is a params error. */
  expectations(): Result<Suite> {
    const suite = this.file.section(["expectations"], SuiteSchema);
    if (!suite.ok) return suite;
    for (const [index, expectation] of suite.value.entries()) {
      if (!("rule" in expectation)) continue;
      const parsed = parseCondition(expectation.rule);
      if (!parsed.ok) return this.paramsError(["expectations", index, "rule"], parsed.error.message);
    }
    return suite;
  }

  split(): Result<SplitParams> {
    return this.file.section(["split"], SplitSchema);
  }

  features(): Result<FeaturesParams> {
    const features = this.file.section(["features"], FeaturesSchema);
    if (!features.ok) return features;
    for (const [index, step] of features.value.steps.entries()) {
      if (step.op === "impute" && step.strategy === "constant" && step.value === undefined)
        return this.paramsError(
          ["features", "steps", index, "strategy"],
          'strategy "constant" needs a `value`',
        );
      if (
        step.op === "clip" &&
        step.quantiles === undefined &&
        step.min === undefined &&
        step.max === undefined
      )
        return this.paramsError(["features", "steps", index], "clip needs `min`/`max` or `quantiles`");
      if (step.op === "clip" && step.quantiles && (step.min !== undefined || step.max !== undefined))
        return this.paramsError(
          ["features", "steps", index],
          "clip takes either `min`/`max` or `quantiles`, not both",
        );
      if (step.op === "date" && Number.isNaN(parseDate(step.reference)))
        return this.paramsError(["features", "steps", index, "reference"], dateProblem(step.reference));
    }
    return features;
  }

  model(): Result<ModelParams> {
    return this.file.section(["model"], ModelSchema);
  }

  /** The tune section, checked against the task (metric) and the model type (its search space must exist). */
  tune(task: Dataset["task"], modelType: string): Result<TuneParams & { modelSpace: SearchSpace }> {
    const tune = this.tuneSettings(task);
    if (!tune.ok) return tune;
    const modelSpace = this.modelSpace(tune.value, modelType, "model.type");
    return modelSpace.ok ? ok({ ...tune.value, modelSpace: modelSpace.value }) : modelSpace;
  }

  /** The tune section for `model.type: auto`: every candidate model type needs its search space. */
  tuneAuto(
    task: Dataset["task"],
    candidates: string[],
  ): Result<TuneParams & { spaces: Record<string, SearchSpace> }> {
    const tune = this.tuneSettings(task);
    if (!tune.ok) return tune;
    const spaces: Record<string, SearchSpace> = {};
    for (const type of candidates) {
      const space = this.modelSpace(tune.value, type, "model.candidates");
      if (!space.ok) return space;
      spaces[type] = space.value;
    }
    return ok({ ...tune.value, spaces });
  }

  private tuneSettings(task: Dataset["task"]): Result<TuneParams> {
    const tune = this.file.section(["tune"], TuneSchema);
    if (!tune.ok) return tune;
    const metricCheck = this.checkMetric(["tune", "metric"], tune.value.metric, task);
    return metricCheck.ok ? tune : metricCheck;
  }

  private modelSpace(tune: TuneParams, modelType: string, namedBy: string): Result<SearchSpace> {
    const modelSpace = tune.space[modelType];
    if (!modelSpace)
      return this.paramsError(
        ["tune", "space"],
        `has no search space for model type "${modelType}" (${namedBy})`,
      );
    for (const [name, param] of Object.entries(modelSpace)) {
      const bounded = param.type !== "categorical";
      if (bounded && param.low >= param.high)
        return this.paramsError(
          ["tune", "space", modelType, name, "low"],
          `low ${param.low} must be below high`,
        );
      if (param.type === "int" && param.log && param.low < 1)
        return this.paramsError(["tune", "space", modelType, name, "low"], "a log-scaled int needs low >= 1");
    }
    return ok(modelSpace);
  }

  evaluate(task: Dataset["task"]): Result<EvaluateParams> {
    const evaluate = this.file.section(["evaluate"], EvaluateSchema);
    if (!evaluate.ok) return evaluate;
    const metricCheck = this.checkMetric(["evaluate", "metric"], evaluate.value.metric, task);
    return metricCheck.ok ? evaluate : metricCheck;
  }

  registry(): Result<RegistryParams> {
    return this.file.section(["registry"], RegistrySchema);
  }

  private checkMetric(path: (string | number)[], metric: string, task: Dataset["task"]): Result<true> {
    const metricFor = metricTask(metric as (typeof METRIC_NAMES)[number]);
    if (metricFor !== task)
      return this.paramsError(path, `"${metric}" is a ${metricFor} metric; the task is ${task}`);
    return ok(true);
  }

  private paramsError(path: (string | number)[], message: string): Result<never> {
    return err(this.file.error(path, message));
  }
}
