// `tabula data infer`'s draft of features.steps, from the inferred dataset: date parts for each date column,
// imputation where values are missing (median for quantities, most frequent for categories and date parts), and
// one-hot indicators for categoricals with few categories.
import { datePartName } from "../../artifact/date-features.js";
import type { InferredDataset } from "../data/infer-schema.js";
import type { FeatureStepParams } from "../params.js";

const DATE_PARTS = ["year", "month", "day_of_week", "day_of_year", "days_since"] as const;
/** Categoricals with more categories than this stay as codes (trees split on them directly). */
const MAX_ONEHOT = 10;

export function suggestSteps(inferred: InferredDataset): FeatureStepParams[] {
  const { dataset, columns } = inferred;
  const features = columns.filter((col) => col.name !== dataset.target && col.dropReason === undefined);
  const steps: FeatureStepParams[] = [];
  const dates = features.filter((col) => col.kind === "date");
  if (dates.length > 0)
    steps.push({
      op: "date",
      columns: dates.map((col) => col.name),
      parts: [...DATE_PARTS],
      reference: "1970-01-01",
    });
  const numericMissing = [
    ...features
      .filter((col) => (col.kind === "float" || col.kind === "integer") && col.missing > 0)
      .map((col) => col.name),
    ...dates
      .filter((col) => col.missing > 0)
      .flatMap((col) => DATE_PARTS.map((part) => datePartName(col.name, part))),
  ];
  if (numericMissing.length > 0) steps.push({ op: "impute", columns: numericMissing, strategy: "median" });
  const categorical = features.filter((col) => col.kind === "categorical");
  const categoricalMissing = categorical.filter((col) => col.missing > 0).map((col) => col.name);
  if (categoricalMissing.length > 0)
    steps.push({ op: "impute", columns: categoricalMissing, strategy: "most_frequent" });
  const onehot = categorical.filter((col) => col.distinct <= MAX_ONEHOT).map((col) => col.name);
  if (onehot.length > 0) steps.push({ op: "onehot", columns: onehot });
  return steps;
}
