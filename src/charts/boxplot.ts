// Box plots (quartiles, whiskers at 1.5 IQR, outliers as points) per numeric field, each with its own scale: the
// picture that goes with Tukey's-fences outlier counts.
import { type Chart, type ChartOptions, chartBase, type Datum, fieldRef } from "./chart.js";

export interface BoxplotGridOptions extends ChartOptions {
  /** Charts per row. Default 4. */
  columns?: number;
}

export function boxplotGrid(data: Datum[], fields: string[], options: BoxplotGridOptions = {}): Chart {
  return {
    ...chartBase(options),
    data: { values: data },
    columns: options.columns ?? 4,
    concat: fields.map((field) => ({
      width: options.width ?? 160,
      height: options.height ?? 40,
      mark: { type: "boxplot" as const, extent: 1.5, size: 18 },
      encoding: {
        x: { field: fieldRef(field), type: "quantitative" as const, title: field, scale: { zero: false } },
      },
    })),
    resolve: { scale: { x: "independent" } },
  };
}
