// A chart is a Vega-Lite spec with its data inline, so it renders anywhere (SVG in a notebook, an HTML page, a
// browser) without reading files. The builders in this folder share these defaults so every chart looks alike.
import type { TopLevelSpec } from "vega-lite";

export type Chart = TopLevelSpec;

/** One record of chart data: the flat JSON objects the pipeline writes to metrics/plots/ and notebooks build. */
export type Datum = Record<string, number | string | boolean | null>;

/** Chart data as builders take it: records, or any plain objects (summaries, trial records) read field by field. */
export type Rows = object[];

/** A field of a row, for the few builders that look at values themselves. */
export function fieldValue(row: object, field: string): unknown {
  return (row as Record<string, unknown>)[field];
}

export interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

export const DEFAULT_WIDTH = 360;
export const DEFAULT_HEIGHT = 240;
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The top-level keys every builder starts from: schema, title, a white background, quiet axes. */
export function chartBase(options: ChartOptions) {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title === undefined ? {} : { title: options.title }),
    background: "white",
    config: {
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.5 },
      title: { fontSize: 14, anchor: "start" as const },
    },
  };
}

export function sizeOf(options: ChartOptions): { width: number; height: number } {
  return { width: options.width ?? DEFAULT_WIDTH, height: options.height ?? DEFAULT_HEIGHT };
}

/** Vega-Lite reads dots and brackets in field names as paths; column names are plain names. */
export function fieldRef(name: string): string {
  return name.replace(/[.[\]\\]/g, (char) => `\\${char}`);
}

/** Numbers that JSON cannot carry (NaN, ±Infinity) become null, which charts treat as missing. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export interface XYOptions {
  xTitle?: string;
  yTitle?: string;
  /** A field to colour marks by (nominal). */
  color?: string;
  /** Start the x axis at zero (default: fit the data). */
  zeroX?: boolean;
  /** Start the y axis at zero (default: fit the data). */
  zeroY?: boolean;
}

/** Quantitative x and y (and an optional nominal colour): the encoding of scatters and lines. */
export function xyEncoding(x: string, y: string, options: XYOptions) {
  return {
    x: {
      field: fieldRef(x),
      type: "quantitative" as const,
      title: options.xTitle ?? x,
      scale: { zero: options.zeroX ?? false },
    },
    y: {
      field: fieldRef(y),
      type: "quantitative" as const,
      title: options.yTitle ?? y,
      scale: { zero: options.zeroY ?? false },
    },
    ...(options.color === undefined
      ? {}
      : { color: { field: fieldRef(options.color), type: "nominal" as const, title: options.color } }),
  };
}
