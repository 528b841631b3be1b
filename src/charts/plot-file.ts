// A chart for a plot file a stage declares (DVC-plots style): either a Vega-Lite spec, drawn as it is, or a JSON
// array of flat records, drawn with the template its fields call for: the evaluate stage's predicted-vs-actual,
// residuals, feature importance, ROC and confusion files, the tuner's trials, or a generic line, scatter or bar.
import { err, ok, type Result } from "../result.js";
import { bar } from "./bar.js";
import type { Chart } from "./chart.js";
import { heatmap, matrixFromCells } from "./heatmap.js";
import { line } from "./line.js";
import { predictedVsActual, residuals, scatter } from "./scatter.js";

export interface PlotChart {
  chart: Chart;
  /** Which template drew it ("spec" for a Vega-Lite spec drawn as it is). */
  template: string;
}

/** A file that is not something to plot (its JSON parsed, but no template fits it). */
export interface NotAPlot {
  kind: "not-a-plot";
  reason: string;
}

export type PlotFileChart = Result<PlotChart, NotAPlot>;

const SPEC_KEYS = ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat", "spec"];

export function chartForPlotFile(content: unknown): PlotFileChart {
  const drawn = draw(content);
  return typeof drawn === "string" ? err({ kind: "not-a-plot", reason: drawn }) : ok(drawn);
}

/** The chart, or why there is none. */
function draw(content: unknown): PlotChart | string {
  if (isSpec(content)) return { chart: content as Chart, template: "spec" };
  if (!Array.isArray(content)) return "neither a Vega-Lite spec nor a JSON array of records";
  if (content.length === 0) return "has no records";
  if (!content.every((row) => row !== null && typeof row === "object" && !Array.isArray(row)))
    return "an array, but not of flat records";
  const rows = content as Record<string, unknown>[];
  const fields = new Set(rows.flatMap((row) => Object.keys(row)));
  const has = (...names: string[]) => names.every((name) => fields.has(name));
  // Untitled: the page shows the file's path above each chart.
  const options = {};
  if (has("actual", "predicted", "count"))
    return {
      template: "confusion",
      chart: heatmap(matrixFromCells(rows, "actual", "predicted", "count"), {
        ...options,
        scheme: "blues",
        format: "d",
        xTitle: "predicted",
        yTitle: "actual",
      }),
    };
  if (has("fpr", "tpr"))
    return {
      template: "roc",
      chart: line(rows, "fpr", "tpr", {
        ...options,
        diagonal: true,
        ...(fields.has("class") ? { color: "class" } : {}),
      }),
    };
  if (has("actual", "predicted"))
    return { template: "predicted-vs-actual", chart: predictedVsActual(rows, options) };
  if (has("predicted", "residual")) return { template: "residuals", chart: residuals(rows, options) };
  if (has("feature", "importance"))
    return {
      template: "importance",
      chart: bar(rows, "feature", "importance", { ...options, labelFormat: ".3f" }),
    };
  if (has("trial", "cvMean"))
    return {
      template: "trials",
      chart: line(rows, "trial", "cvMean", { ...options, points: true, yTitle: "CV score" }),
    };
  return genericChart(rows, [...fields], options);
}

/** The first numeric field against the second: a line when the first only grows (steps, epochs), else a scatter. */
function genericChart(
  rows: Record<string, unknown>[],
  fields: string[],
  options: object,
): PlotChart | string {
  const numeric = fields.filter((field) =>
    rows.every((row) => row[field] === undefined || typeof row[field] === "number"),
  );
  const text = fields.filter((field) => rows.every((row) => typeof row[field] === "string"));
  const [x, y] = numeric;
  if (x !== undefined && y !== undefined) {
    const increasing = rows.every((row, i) => i === 0 || (row[x] as number) >= (rows[i - 1]?.[x] as number));
    return increasing
      ? { template: "line", chart: line(rows, x, y, { ...options, points: rows.length <= 50 }) }
      : { template: "scatter", chart: scatter(rows, x, y, options) };
  }
  if (text[0] !== undefined && x !== undefined)
    return { template: "bar", chart: bar(rows, text[0], x, { ...options, keepOrder: true }) };
  return `no chart fits the fields ${fields.join(", ")} (need two numeric fields, or a text and a numeric one)`;
}

function isSpec(content: unknown): boolean {
  if (content === null || typeof content !== "object" || Array.isArray(content)) return false;
  const schema = (content as { $schema?: unknown }).$schema;
  if (typeof schema === "string" && schema.includes("vega-lite")) return true;
  return SPEC_KEYS.some((key) => key in content);
}
