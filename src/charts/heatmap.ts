// A matrix as coloured cells with their values written in: correlation matrices, confusion matrices.
import { type Chart, type ChartOptions, chartBase } from "./chart.js";

export interface HeatmapOptions extends ChartOptions {
  /** Colour scale domain; default: the data's range. Correlations use [-1, 1]. */
  domain?: [number, number];
  /** A diverging scheme centred on the middle of the domain (correlations) or a sequential one (counts). */
  scheme?: "redblue" | "blues";
  /** d3-format of the written values. Default ".2f". */
  format?: string;
  xTitle?: string;
  yTitle?: string;
  /** Cell size in pixels. Default 28. */
  cell?: number;
}

export interface Matrix {
  rows: string[];
  columns: string[];
  /** values[i][j] is row i, column j. */
  values: number[][];
}

export function heatmap(matrix: Matrix, options: HeatmapOptions = {}): Chart {
  const cells = matrix.rows.flatMap((row, i) =>
    matrix.columns.map((column, j) => {
      const value = matrix.values[i]?.[j] ?? Number.NaN;
      return { row, column, value: Number.isFinite(value) ? value : null };
    }),
  );
  const cell = options.cell ?? 28;
  const scheme = options.scheme ?? "redblue";
  const scale =
    scheme === "redblue"
      ? { scheme: "redblue" as const, reverse: true, domain: options.domain ?? [-1, 1] }
      : { scheme: "blues" as const, ...(options.domain ? { domain: options.domain } : {}) };
  const present = valuesOf(cells);
  const span = options.domain ?? [
    present.reduce((a, b) => Math.min(a, b)),
    present.reduce((a, b) => Math.max(a, b)),
  ];
  // Dark cells get white text: far from the centre for a diverging scale, near the top for a sequential one.
  const darkText =
    scheme === "redblue"
      ? `abs(datum.value) > ${0.5 * Math.max(Math.abs(span[0]), Math.abs(span[1]))}`
      : `datum.value > ${span[0] + 0.6 * (span[1] - span[0])}`;
  const x = {
    field: "column",
    type: "nominal" as const,
    sort: matrix.columns,
    title: options.xTitle ?? null,
  };
  const y = { field: "row", type: "nominal" as const, sort: matrix.rows, title: options.yTitle ?? null };
  return {
    ...chartBase(options),
    width: cell * matrix.columns.length,
    height: cell * matrix.rows.length,
    data: { values: cells },
    encoding: { x, y },
    layer: [
      {
        mark: { type: "rect", tooltip: true },
        encoding: { color: { field: "value", type: "quantitative", scale, title: null } },
      },
      {
        mark: { type: "text", fontSize: cell >= 28 ? 9 : 7 },
        encoding: {
          text: { field: "value", type: "quantitative", format: options.format ?? ".2f" },
          color: { condition: { test: darkText, value: "white" }, value: "black" },
        },
      },
    ],
  };
}

function valuesOf(cells: { value: number | null }[]): number[] {
  const values = cells.map((cell) => cell.value).filter((value): value is number => value !== null);
  return values.length > 0 ? values : [0];
}
