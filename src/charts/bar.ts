// Horizontal bars for a value per named thing (feature importance, error per segment), largest first unless the
// categories have an order of their own.
import { type Chart, type ChartOptions, chartBase, type Datum, fieldRef } from "./chart.js";

export interface BarOptions extends ChartOptions {
  /** Keep the data's order instead of sorting by value (e.g. ordered segments). */
  keepOrder?: boolean;
  /** A field to colour bars by, drawing groups side by side (e.g. candidate vs champion). */
  color?: string;
  valueTitle?: string;
  /** d3-format for the value labels at the end of each bar. Default: no labels. */
  labelFormat?: string;
}

export function bar(data: Datum[], category: string, value: string, options: BarOptions = {}): Chart {
  const categories = options.keepOrder ? categoryOrder(data, category) : byLargest(data, category, value);
  const y = { field: fieldRef(category), type: "nominal" as const, title: category, sort: categories };
  const x = { field: fieldRef(value), type: "quantitative" as const, title: options.valueTitle ?? value };
  const groups =
    options.color === undefined ? 1 : new Set(data.map((row) => row[options.color as string])).size;
  const band = 16 * groups + 6;
  const encoding = {
    x,
    y,
    ...(options.color === undefined
      ? {}
      : {
          color: { field: fieldRef(options.color), type: "nominal" as const, title: options.color },
          yOffset: { field: fieldRef(options.color), type: "nominal" as const },
        }),
  };
  const base = {
    ...chartBase(options),
    width: options.width ?? 360,
    height: options.height ?? Math.max(60, band * categories.length),
    data: { values: data },
    encoding,
  };
  const bars = { mark: { type: "bar" as const, tooltip: true } };
  if (options.labelFormat === undefined) return { ...base, ...bars };
  return {
    ...base,
    layer: [
      bars,
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
        encoding: { text: { field: fieldRef(value), type: "quantitative", format: options.labelFormat } },
      },
    ],
  };
}

function categoryOrder(data: Datum[], category: string): string[] {
  return [...new Set(data.map((row) => String(row[category])))];
}

/** Categories by their largest value, descending (ties by name, so the order is stable). */
function byLargest(data: Datum[], category: string, value: string): string[] {
  const largest = new Map<string, number>();
  for (const row of data) {
    const key = String(row[category]);
    const v = typeof row[value] === "number" ? (row[value] as number) : Number.NEGATIVE_INFINITY;
    largest.set(key, Math.max(largest.get(key) ?? Number.NEGATIVE_INFINITY, v));
  }
  return [...largest.keys()].sort(
    (a, b) => (largest.get(b) as number) - (largest.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0),
  );
}
