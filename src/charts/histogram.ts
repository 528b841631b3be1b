// Distributions: one histogram of a numeric field, counts of a categorical field, or a grid of small histograms
// (one per column, each with its own axis) for an overview of every feature.
import { type Chart, type ChartOptions, chartBase, fieldRef, type Rows, sizeOf } from "./chart.js";

export interface HistogramOptions extends ChartOptions {
  /** Upper bound on the number of bins (Vega-Lite picks "nice" edges). Default 30. */
  maxBins?: number;
}

export function histogram(data: Rows, field: string, options: HistogramOptions = {}): Chart {
  return countsChart(data, field, { bin: { maxbins: options.maxBins ?? 30 } }, options);
}

/** How often each category occurs, most frequent first; missing values are left out. */
export function categoryCounts(data: Rows, field: string, options: ChartOptions = {}): Chart {
  return countsChart(data, field, { type: "nominal", sort: "-y" }, options);
}

/** Bars of row counts along `field` (binned or by category), rows missing the field left out. */
function countsChart(
  data: Rows,
  field: string,
  x: { bin: { maxbins: number } } | { type: "nominal"; sort: "-y" },
  options: ChartOptions,
): Chart {
  return {
    ...chartBase(options),
    ...sizeOf(options),
    data: { values: data },
    transform: [{ filter: { field: fieldRef(field), valid: true } }],
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: fieldRef(field), title: field, ...x },
      y: { aggregate: "count", title: "rows" },
    },
  };
}

export interface DistributionGridOptions extends HistogramOptions {
  /** Charts per row. Default 4. */
  columns?: number;
  /** Columns to draw as category counts rather than histograms. */
  categorical?: string[];
}

/** A histogram (or category counts) per field, laid out in a grid; `width`/`height` are per small chart. */
export function distributionGrid(data: Rows, fields: string[], options: DistributionGridOptions = {}): Chart {
  const width = options.width ?? 160;
  const height = options.height ?? 100;
  const categorical = new Set(options.categorical ?? []);
  return {
    ...chartBase(options),
    data: { values: data },
    columns: options.columns ?? 4,
    concat: fields.map((field) => ({
      width,
      height,
      transform: [{ filter: { field: fieldRef(field), valid: true } }],
      mark: { type: "bar" as const, tooltip: true },
      encoding: categorical.has(field)
        ? {
            x: { field: fieldRef(field), type: "nominal" as const, title: field },
            y: { aggregate: "count" as const, title: "rows" },
          }
        : {
            x: { field: fieldRef(field), bin: { maxbins: options.maxBins ?? 20 }, title: field },
            y: { aggregate: "count" as const, title: "rows" },
          },
    })),
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}
