// Short written findings about a dataset, computed from its summaries, so an EDA notebook states what it sees for
// whatever dataset params.yaml configures. Each finding is one Markdown sentence.
import type { Matrix } from "../../charts/heatmap.js";
import type { Table } from "../data/table.js";
import { strongestCorrelations } from "./correlation.js";
import type { ColumnOutliers } from "./outliers.js";
import type { ColumnSummary } from "./summary.js";

export interface FindingsInput {
  table: Table;
  target: string;
  task: "regression" | "classification";
  summaries: ColumnSummary[];
  correlations: Matrix;
  outliers: ColumnOutliers[];
}

/** Thresholds, named so the sentences can quote them. */
export const FINDING_THRESHOLDS = {
  strongCorrelation: 0.5,
  collinear: 0.75,
  skewed: 1,
  outlierShare: 0.05,
  pileUp: 0.01,
  dominantCategory: 0.9,
} as const;

export function datasetFindings(input: FindingsInput): string[] {
  const { summaries, target, table } = input;
  const rows = table.rows;
  const features = summaries.filter((summary) => summary.name !== target);
  const findings: string[] = [];
  const numeric = features.filter((summary) => summary.kind === "numeric").length;
  findings.push(
    `**Shape:** ${rows} rows, ${features.length} features (${numeric} numeric, ${features.length - numeric} categorical); the target \`${target}\` is a ${input.task} target.`,
  );

  const withMissing = summaries.filter((summary) => summary.missing > 0);
  findings.push(
    withMissing.length === 0
      ? "**Missing values:** none; no imputation is needed."
      : `**Missing values:** ${withMissing
          .map((summary) => `\`${summary.name}\` ${percent(summary.missingShare)}`)
          .join(", ")}; impute them in \`features.steps\` (fitted on train only).`,
  );

  const targetSummary = summaries.find((summary) => summary.name === target);
  if (input.task === "regression" && targetSummary?.kind === "numeric") {
    let sentence = `**Target:** \`${target}\` ranges ${num(targetSummary.min)}–${num(targetSummary.max)}, median ${num(targetSummary.median)}, skewness ${num(targetSummary.skew)}.`;
    const targetColumn = table.columns.find((col) => col.name === target);
    const pile =
      targetColumn && targetColumn.dtype !== "string"
        ? pileUp(targetColumn.values, targetSummary.max as number)
        : 0;
    if (pile >= FINDING_THRESHOLDS.pileUp * rows)
      sentence += ` ${pile} rows (${percent(pile / rows)}) sit exactly at the maximum ${num(targetSummary.max)}: the values look capped, so errors at the top are expected.`;
    findings.push(sentence);
  } else if (targetSummary?.top !== undefined) {
    findings.push(
      `**Target:** the most frequent class \`${targetSummary.top}\` covers ${percent((targetSummary.topCount ?? 0) / Math.max(1, targetSummary.count))} of rows.`,
    );
  }

  if (input.correlations.rows.includes(target)) {
    const strongest = strongestCorrelations(input.correlations, target, 3);
    if (strongest.length > 0)
      findings.push(
        `**Strongest linear relations with the target:** ${strongest
          .map(({ feature, r }) => `\`${feature}\` (r = ${num(r)})`)
          .join(", ")}.${
          strongest.some(({ r }) => Math.abs(r) >= FINDING_THRESHOLDS.strongCorrelation)
            ? ""
            : ` None reaches |r| ≥ ${FINDING_THRESHOLDS.strongCorrelation}: relations are weak or non-linear.`
        }`,
      );
  }

  const pairs = collinearPairs(input.correlations, target);
  if (pairs.length > 0)
    findings.push(
      `**Correlated features (|r| ≥ ${FINDING_THRESHOLDS.collinear}):** ${pairs
        .map(([a, b, r]) => `\`${a}\`–\`${b}\` (${num(r)})`)
        .join(", ")}. Trees cope with this, but feature importance is shared between such pairs.`,
    );

  const skewed = features.filter(
    (summary) => summary.skew !== undefined && Math.abs(summary.skew) > FINDING_THRESHOLDS.skewed,
  );
  if (skewed.length > 0)
    findings.push(
      `**Skewed features (|skewness| > ${FINDING_THRESHOLDS.skewed}):** ${skewed
        .map((summary) => `\`${summary.name}\` (${num(summary.skew)})`)
        .join(", ")}. Tree models do not need it, but a \`log1p\` step would help linear models.`,
    );

  const outlying = input.outliers.filter(
    (column) => column.name !== target && column.share > FINDING_THRESHOLDS.outlierShare,
  );
  if (outlying.length > 0)
    findings.push(
      `**Outliers (Tukey's fences, more than ${percent(FINDING_THRESHOLDS.outlierShare)} of values):** ${outlying
        .map((column) => `\`${column.name}\` ${percent(column.share)}`)
        .join(", ")}.`,
    );

  const dominated = features.filter(
    (summary) =>
      summary.kind === "categorical" &&
      (summary.topCount ?? 0) >= FINDING_THRESHOLDS.dominantCategory * Math.max(1, summary.count),
  );
  if (dominated.length > 0)
    findings.push(
      `**Imbalanced categoricals:** ${dominated
        .map(
          (summary) =>
            `\`${summary.name}\` is \`${summary.top}\` in ${percent((summary.topCount ?? 0) / summary.count)} of rows`,
        )
        .join(", ")}.`,
    );
  return findings;
}

function collinearPairs(matrix: Matrix, target: string): [string, string, number][] {
  const pairs: [string, string, number][] = [];
  matrix.rows.forEach((a, i) => {
    matrix.columns.forEach((b, j) => {
      const r = matrix.values[i]?.[j] ?? Number.NaN;
      if (j > i && a !== target && b !== target && Math.abs(r) >= FINDING_THRESHOLDS.collinear)
        pairs.push([a, b, r]);
    });
  });
  return pairs.sort((x, y) => Math.abs(y[2]) - Math.abs(x[2]));
}

function pileUp(values: ArrayLike<number>, max: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === max) count++;
  return count;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(share < 0.1 ? 1 : 0)}%`;
}

function num(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : value
        .toPrecision(3)
        .replace(/(\.\d*?)0+$/, "$1")
        .replace(/\.$/, "");
}
