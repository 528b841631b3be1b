// Values along an ordered axis: the tuning history (every trial and the best so far) and curves such as ROC.
import {
  type Chart,
  type ChartOptions,
  chartBase,
  fieldValue,
  type Rows,
  sizeOf,
  xyEncoding,
} from "./chart.js";

export interface LineOptions extends ChartOptions {
  color?: string;
  xTitle?: string;
  yTitle?: string;
  points?: boolean;
  /** Draw the diagonal from (0, 0) to (1, 1) (ROC curves). */
  diagonal?: boolean;
}

export function line(data: Rows, x: string, y: string, options: LineOptions = {}): Chart {
  // Curves such as ROC live on [0, 1]: the x axis starts at zero.
  const encoding = xyEncoding(x, y, { ...options, zeroX: true });
  const curve = { mark: { type: "line" as const, point: options.points ?? false, tooltip: true }, encoding };
  const layers = options.diagonal
    ? [
        {
          data: {
            values: [
              { [x]: 0, [y]: 0 },
              { [x]: 1, [y]: 1 },
            ],
          },
          mark: { type: "line" as const, color: "#888888", strokeDash: [4, 4] },
          encoding: { x: encoding.x, y: encoding.y },
        },
        { data: { values: data }, ...curve },
      ]
    : [{ data: { values: data }, ...curve }];
  return { ...chartBase(options), ...sizeOf(options), layer: layers };
}

export interface HistoryOptions extends ChartOptions {
  /** Which way is better for the score. */
  direction: "minimize" | "maximize";
  scoreTitle?: string;
}

/**
 * Every trial's score as a point and the best score so far as a step line, in trial order (as a tuner's history
 * plot shows it). `data` has `trial` and `score` fields.
 */
export function bestSoFar(data: Rows, options: HistoryOptions): Chart {
  let best = Number.NaN;
  const values = data.map((row) => {
    const score = fieldValue(row, "score") as number;
    if (
      Number.isFinite(score) &&
      (Number.isNaN(best) || (options.direction === "minimize" ? score < best : score > best))
    )
      best = score;
    return { ...row, best: Number.isNaN(best) ? null : best };
  });
  const x = { field: "trial", type: "quantitative" as const, title: "trial" };
  const title = options.scoreTitle ?? "score";
  return {
    ...chartBase({ title: "Tuning history", ...options }),
    ...sizeOf(options),
    data: { values },
    layer: [
      {
        mark: { type: "point", filled: true, opacity: 0.5, color: "#4c78a8", tooltip: true },
        encoding: { x, y: { field: "score", type: "quantitative", title, scale: { zero: false } } },
      },
      {
        mark: { type: "line", interpolate: "step-after", color: "#e45756", strokeWidth: 2 },
        encoding: { x, y: { field: "best", type: "quantitative", title } },
      },
    ],
  };
}
