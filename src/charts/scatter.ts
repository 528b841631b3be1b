// Two quantities against each other: a plain scatter, predicted vs actual (with the y = x line a perfect model
// would sit on) and residuals (with the zero line).
import {
  type Chart,
  type ChartOptions,
  chartBase,
  fieldRef,
  fieldValue,
  type Rows,
  sizeOf,
  xyEncoding,
} from "./chart.js";

export interface ScatterOptions extends ChartOptions {
  /** A field to colour points by (nominal). */
  color?: string;
  /** Draw a straight least-squares fit through the points. */
  trend?: boolean;
  xTitle?: string;
  yTitle?: string;
  /** Start the axes at zero (default: fit the data). */
  zero?: boolean;
}

export function scatter(data: Rows, x: string, y: string, options: ScatterOptions = {}): Chart {
  const encoding = xyEncoding(x, y, { ...options, zeroX: options.zero, zeroY: options.zero });
  const points = { mark: { type: "point" as const, filled: true, opacity: 0.6, tooltip: true }, encoding };
  if (!options.trend) return { ...chartBase(options), ...sizeOf(options), data: { values: data }, ...points };
  return {
    ...chartBase(options),
    ...sizeOf(options),
    data: { values: data },
    layer: [
      points,
      {
        transform: [{ regression: fieldRef(y), on: fieldRef(x) }],
        mark: { type: "line", color: "#d62728" },
        encoding: { x: encoding.x, y: encoding.y },
      },
    ],
  };
}

/** Predicted against actual values, with the y = x diagonal spanning both ranges. */
export function predictedVsActual(
  data: Rows,
  options: ChartOptions & { actual?: string; predicted?: string } = {},
): Chart {
  const actual = options.actual ?? "actual";
  const predicted = options.predicted ?? "predicted";
  const values = data
    .flatMap((row) => [fieldValue(row, actual), fieldValue(row, predicted)])
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const low = values.length > 0 ? values.reduce((a, b) => Math.min(a, b)) : 0;
  const high = values.length > 0 ? values.reduce((a, b) => Math.max(a, b)) : 1;
  const x = { field: fieldRef(actual), type: "quantitative" as const, title: actual, scale: { zero: false } };
  const y = {
    field: fieldRef(predicted),
    type: "quantitative" as const,
    title: predicted,
    scale: { zero: false },
  };
  return {
    ...chartBase({ title: "Predicted vs actual", ...options }),
    ...sizeOf(options),
    layer: [
      {
        data: {
          values: [
            { [actual]: low, [predicted]: low },
            { [actual]: high, [predicted]: high },
          ],
        },
        mark: { type: "line", color: "#888888", strokeDash: [4, 4] },
        encoding: { x, y },
      },
      {
        data: { values: data },
        mark: { type: "point", filled: true, opacity: 0.6, tooltip: true },
        encoding: { x, y },
      },
    ],
  };
}

/** Residuals (actual − predicted) against the prediction, with the zero line. */
export function residuals(
  data: Rows,
  options: ChartOptions & { predicted?: string; residual?: string } = {},
): Chart {
  const predicted = options.predicted ?? "predicted";
  const residual = options.residual ?? "residual";
  return {
    ...chartBase({ title: "Residuals", ...options }),
    ...sizeOf(options),
    data: { values: data },
    layer: [
      {
        mark: { type: "point", filled: true, opacity: 0.6, tooltip: true },
        encoding: {
          x: { field: fieldRef(predicted), type: "quantitative", title: predicted, scale: { zero: false } },
          y: { field: fieldRef(residual), type: "quantitative", title: `${residual} (actual − predicted)` },
        },
      },
      { mark: { type: "rule", color: "#888888", strokeDash: [4, 4] }, encoding: { y: { datum: 0 } } },
    ],
  };
}

export interface GridAxis {
  field: string;
  /** Log scale (for values searched on one). */
  log?: boolean;
  /** Categories rather than numbers. */
  nominal?: boolean;
}

/** One small scatter of `y` against each of `xs`, sharing the y scale: e.g. every tuned param vs the CV score. */
export function scatterGrid(
  data: Rows,
  xs: GridAxis[],
  y: string,
  options: ChartOptions & { columns?: number; yTitle?: string } = {},
): Chart {
  return {
    ...chartBase(options),
    data: { values: data },
    columns: options.columns ?? 3,
    concat: xs.map((axis) => ({
      width: options.width ?? 180,
      height: options.height ?? 140,
      mark: { type: "point" as const, filled: true, opacity: 0.7, tooltip: true },
      encoding: {
        x: axis.nominal
          ? { field: fieldRef(axis.field), type: "nominal" as const, title: axis.field }
          : {
              field: fieldRef(axis.field),
              type: "quantitative" as const,
              title: axis.log ? `${axis.field} (log)` : axis.field,
              scale: axis.log ? { type: "log" as const } : { zero: false },
            },
        y: {
          field: fieldRef(y),
          type: "quantitative" as const,
          title: options.yTitle ?? y,
          scale: { zero: false },
        },
      },
    })),
    resolve: { scale: { x: "independent", y: "shared" } },
  };
}
