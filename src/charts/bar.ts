// Horizontal bars for a value per named thing (feature importance, error per segment), largest first unless the
// categories have an order of their own.
import { type Chart, type ChartOptions, chartBase, fieldRef, fieldValue, type Rows } from "./chart.js";

export interface BarOptions extends ChartOptions {
  /** Keep the data's order instead of sorting by value (e.g. ordered segments). */
  keepOrder?: boolean;
  /** A field to colour bars by, drawing groups side by side (e.g. candidate vs champion). */
  color?: string;
  valueTitle?: string;
  /** d3-format for the value labels at the end of each bar. Default: no labels. */
  labelFormat?: string;
}

export function bar(data: Rows, category: string, value: string, options: BarOptions = {}): Chart {
  const categories = options.keepOrder ? categoryOrder(data, category) : byLargest(data, category, value);
  const y = { field: fieldRef(category), type: "nominal" as const, title: category, sort: categories };
  const x = { field: fieldRef(value), type: "quantitative" as const, title: options.valueTitle ?? value };
  const groups =
    options.color === undefined
      ? 1
      : new Set(data.map((row) => fieldValue(row, options.color as string))).size;
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

function categoryOrder(data: Rows, category: string): string[] {
  return [...new Set(data.map((row) => String(fieldValue(row, category))))];
}

/** Categories by their largest value, descending (ties by name, so the order is stable). */
function byLargest(data: Rows, category: string, value: string): string[] {
  const largest = new Map<string, number>();
  for (const row of data) {
    const key = String(fieldValue(row, category));
    const v =
      typeof fieldValue(row, value) === "number"
        ? (fieldValue(row, value) as number)
        : Number.NEGATIVE_INFINITY;
    largest.set(key, Math.max(largest.get(key) ?? Number.NEGATIVE_INFINITY, v));
  }
  return [...largest.keys()].sort(
    (a, b) => (largest.get(b) as number) - (largest.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

export interface FacetedBarsOptions extends ChartOptions {
  valueTitle?: string;
  /** A value to draw as a dashed line in every panel (e.g. the overall error). */
  reference?: number;
}

/**
 * One small bar chart per value of `facet`, stacked vertically, categories in data order: e.g. the error in each
 * quartile segment, one panel per column. The value axis is shared so panels compare.
 */
export function facetedBars(
  data: Rows,
  facet: string,
  category: string,
  value: string,
  options: FacetedBarsOptions = {},
): Chart {
  const facets = [...new Set(data.map((row) => String(fieldValue(row, facet))))];
  return {
    ...chartBase(options),
    data: { values: data },
    vconcat: facets.map((name) => ({
      title: { text: name, fontSize: 12 },
      transform: [{ filter: { field: fieldRef(facet), equal: name } }],
      width: options.width ?? 300,
      layer: [
        {
          mark: { type: "bar" as const, tooltip: true },
          encoding: {
            y: {
              field: fieldRef(category),
              type: "nominal" as const,
              title: null,
              sort: categoryOrder(
                data.filter((row) => String(fieldValue(row, facet)) === name),
                category,
              ),
            },
            x: { field: fieldRef(value), type: "quantitative" as const, title: options.valueTitle ?? value },
          },
        },
        ...(options.reference === undefined
          ? []
          : [
              {
                mark: { type: "rule" as const, color: "#e45756", strokeDash: [4, 4] },
                encoding: { x: { datum: options.reference } },
              },
            ]),
      ],
    })),
    resolve: { scale: { x: "shared" } },
  };
}
