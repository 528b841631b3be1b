// `tabula data infer CSV --target COLUMN [--write]`: drafts params.yaml's `dataset` section, a features.steps
// suggestion and an `expectations` suite from a CSV; prints them as YAML, or with --write sets them in params.yaml through the engine's
// comment-keeping params writer (the one `exp apply` and `repro -S` use).
import { basename, relative, resolve } from "node:path";
import { Document, isPair, visit } from "yaml";
import { readCsvText } from "../../ml/data/csv.js";
import { checkSuite } from "../../ml/data/expectations/check-suite.js";
import { describeResult } from "../../ml/data/expectations/checks-report.js";
import { draftSuite } from "../../ml/data/expectations/draft-suite.js";
import type { Suite } from "../../ml/data/expectations/suite-schema.js";
import { type InferredDataset, inferDataset } from "../../ml/data/infer-schema.js";
import { loadDatasetRows } from "../../ml/data/load.js";
import { formatError } from "../../ml/errors.js";
import { suggestSteps } from "../../ml/features/suggest-steps.js";
import { metricTask } from "../../ml/metrics.js";
import type { ColumnCheck, Dataset, FeatureStepParams } from "../../ml/params.js";
import { MlParams } from "../../ml/params.js";
import { ParamsFile } from "../../ml/params-file.js";
import { formatError as formatReproError, setParams } from "../../repro/index.js";
import { type CommandIo, parseCommandArgs, processIo, refuse, UsageError } from "../command.js";

export const help = `usage: tabula data infer CSV --target COLUMN [--write]

Drafts params.yaml's \`dataset\` section from CSV: each column's type (float, integer, date, categorical), a range
with a margin, the allowed values of low-cardinality text, nullable where values are missing, the missing-value
tokens seen (. ? - NA …), and id-like or constant columns proposed for drop; the task from the target; and
features.steps (date parts, impute where missing, one-hot for categoricals); and an \`expectations\` suite that
prepare checks on every new batch of data (row count and missing shares with a margin, drift as a warning).
Prints YAML to review.

options:
  -t, --target COLUMN   the column to predict
  -w, --write           set dataset, features, expectations and registry.name (the CSV's name) in params.yaml;
                        comments and
                        everything else kept
  -C, --cwd DIR         the project directory (default: .)
`;

const WHO = "tabula data";

const DEFAULT_METRICS = {
  regression: { tune: "mse", evaluate: "mse", direction: "minimize" },
  classification: { tune: "log_loss", evaluate: "accuracy", direction: "maximize" },
} as const;

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseCommandArgs("data", args, {
    target: { type: "string", short: "t" },
    write: { type: "boolean", short: "w" },
  });
  const [action, csv, ...rest] = positionals;
  if (action !== "infer")
    throw new UsageError(`expects "infer", got ${action === undefined ? "nothing" : `"${action}"`}`);
  if (csv === undefined || rest.length > 0) throw new UsageError("data infer takes one CSV file");
  if (values.target === undefined) throw new UsageError("data infer needs --target COLUMN");
  const root = resolve(io.cwd, values.cwd ?? ".");
  const file = resolve(root, csv);
  const path = relative(root, file);

  const text = readCsvText(file);
  if (!text.ok) return refuse(io, formatError(text.error), WHO);
  const inferred = inferDataset(text.value, path, values.target);
  if (!inferred.ok) return refuse(io, formatError(inferred.error), WHO);
  const steps = suggestSteps(inferred.value);
  const suite = draftSuite(inferred.value, text.value.rows);
  const draft = draftYaml(inferred.value, steps, suite, text.value.rows);

  // The draft must pass the checks prepare and featurize make, on this very file.
  const checked = checkDraft(draft, root);
  if (checked) return refuse(io, `the draft does not validate (please report this): ${checked}`, WHO);

  if (!values.write) {
    io.stdout(draft);
    return 0;
  }
  const written = await setParams(root, overrides(inferred.value.dataset, steps, suite, root));
  if (!written.ok) return refuse(io, formatReproError(written.error), WHO);
  const { dataset } = inferred.value;
  io.stdout(
    `${written.value.length > 0 ? "wrote" : "unchanged:"} params.yaml: dataset (${path}, target ${dataset.target}, ${dataset.task}; ${Object.keys(dataset.columns).length} columns checked${dataset.drop.length > 0 ? `, drop ${dataset.drop.join(", ")}` : ""}), features.steps (${steps.length} steps), expectations (${suite.length}), registry.name ${registryName(path)}\n` +
      `next: npm run repro\n`,
  );
  return 0;
}

/** The keys --write sets; the metrics too when the task changes (a regression metric cannot score classes). */
function overrides(
  dataset: Dataset,
  steps: FeatureStepParams[],
  suite: Suite,
  root: string,
): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(datasetSection(dataset))) set[`dataset.${key}`] = value;
  set["features.steps"] = steps;
  set["features.exclude"] = [];
  set.expectations = expectationsSection(suite);
  // Another dataset is another model: its own registry name, so the champion gate does not compare it with the
  // previous dataset's production model.
  set["registry.name"] = registryName(dataset.path);
  const current = MlParams.read(resolve(root, "params.yaml"));
  const metric = current.ok ? current.value.file.get(["tune", "metric"]) : undefined;
  const sameTask = typeof metric === "string" && metricTask(metric as "mse") === dataset.task;
  if (!sameTask) {
    const defaults = DEFAULT_METRICS[dataset.task];
    set["tune.metric"] = defaults.tune;
    set["evaluate.metric"] = defaults.evaluate;
    set["evaluate.direction"] = defaults.direction;
  }
  return set;
}

/** The CSV's file name as a registry name (lower-case letters, digits, '.', '_' and '-'). */
function registryName(path: string): string {
  const slug = basename(path)
    .replace(/\.[^.]*$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return slug === "" ? "model" : slug;
}

/** The dataset section as params.yaml spells it: checks without the default `nullable: false`. */
function datasetSection(dataset: Dataset): Record<string, unknown> {
  const columns: Record<string, Partial<ColumnCheck>> = {};
  for (const [name, check] of Object.entries(dataset.columns)) {
    const { nullable, ...rest } = check;
    columns[name] = nullable ? { ...rest, nullable } : rest;
  }
  return {
    path: dataset.path,
    target: dataset.target,
    task: dataset.task,
    missing_target: dataset.missing_target,
    drop: dataset.drop,
    categorical: dataset.categorical,
    missing: dataset.missing,
    columns,
  };
}

/** The suite as params.yaml spells it: without the default `severity: error`. */
function expectationsSection(suite: Suite): Record<string, unknown>[] {
  return suite.map(({ severity, ...rest }) => (severity === "error" ? rest : { ...rest, severity }));
}

function draftYaml(
  inferred: InferredDataset,
  steps: FeatureStepParams[],
  suite: Suite,
  rows: number,
): string {
  const { dataset, columns, tokensSeen } = inferred;
  const doc = new Document({
    dataset: datasetSection(dataset),
    features: { steps, exclude: [] },
    expectations: expectationsSection(suite),
  });
  // One line per column check, per step and per list: the layout params.yaml uses.
  visit(doc, {
    Map: (_, node, path) => {
      const inExpectations = isPair(path[2]) && String(path[2].key) === "expectations";
      if (path.length >= 6 || (inExpectations && path.length >= 4)) node.flow = true;
    },
    Seq: (_, node, path) => {
      const parent = path.at(-1);
      if (!(isPair(parent) && ["steps", "expectations"].includes(String(parent.key)))) node.flow = true;
    },
  });

  const dropped = columns.filter((col) => col.name !== dataset.target && col.dropReason);
  const notes = [
    `# Drafted by \`tabula data infer\` from ${dataset.path} (${rows} rows, ${columns.length} columns); review, then`,
    "# `tabula data infer … --write` sets it in params.yaml.",
    ...dropped.map((col) => `# drop ${col.name}: ${col.dropReason}`),
    ...(tokensSeen.length > 0 ? [`# missing-value tokens seen: ${tokensSeen.join(" ")}`] : []),
    ...(dataset.missing_target === "drop"
      ? [
          `# ${columns.find((col) => col.name === dataset.target)?.missing} rows have no ${dataset.target}: missing_target: drop`,
        ]
      : []),
  ];
  return `${notes.join("\n")}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

/** The draft read back as params (dataset, features, expectations) and the CSV validated and checked against it. */
function checkDraft(draft: string, root: string): string | undefined {
  const file = ParamsFile.parse("draft", draft);
  if (!file.ok) return formatError(file.error);
  const params = new MlParams(file.value);
  const dataset = params.dataset();
  if (!dataset.ok) return formatError(dataset.error);
  const features = params.features();
  if (!features.ok) return formatError(features.error);
  const suite = params.expectations();
  if (!suite.ok) return formatError(suite.error);
  const loaded = loadDatasetRows({ ...dataset.value, path: resolve(root, dataset.value.path) });
  if (!loaded.ok) return formatError(loaded.error);
  const failed = checkSuite(suite.value, loaded.value.checked).results.find(
    (result) => result.status === "fail",
  );
  return failed === undefined ? undefined : `expectation ${describeResult(failed)}`;
}
