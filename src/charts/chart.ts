// A chart is a Vega-Lite spec with its data inline, so it renders anywhere (SVG in a notebook, an HTML page, a
// browser) without reading files. The builders in this folder share these defaults so every chart looks alike.
import type { TopLevelSpec } from "vega-lite";

export type Chart = TopLevelSpec;

/** One record of chart data: the flat JSON objects the pipeline writes to metrics/plots/ and notebooks build. */
export type Datum = Record<string, number | string | boolean | null>;

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
