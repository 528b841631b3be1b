// Search-space distributions (from params.yaml's tune.space) and how the TPE sees them: floats, log floats and
// ints live on a continuous internal axis (log for log-scaled ones; ints widened by half a step each side and
// rounded back), categoricals are indices into their choices.
import { unreachable } from "../../result.js";
import type { SearchParam, SearchSpace } from "../params.js";
import type { Random } from "../random.js";

export type ParamValue = number | string | boolean | null;
export type ParamSet = Record<string, ParamValue>;

export interface NumericAxis {
  kind: "numeric";
  /** Bounds on the internal axis. */
  low: number;
  high: number;
  /** Quantization step on the internal axis (ints on a linear scale), else undefined. */
  step?: number;
  toInternal(value: number): number;
  fromInternal(x: number): number;
}

export interface CategoricalAxis {
  kind: "categorical";
  choices: ParamValue[];
}

export type Axis = NumericAxis | CategoricalAxis;

export function axisOf(param: SearchParam): Axis {
  switch (param.type) {
    case "uniform":
      return {
        kind: "numeric",
        low: param.low,
        high: param.high,
        toInternal: (value) => value,
        fromInternal: (x) => Math.min(Math.max(x, param.low), param.high),
      };
    case "log_uniform":
      return {
        kind: "numeric",
        low: Math.log(param.low),
        high: Math.log(param.high),
        toInternal: Math.log,
        fromInternal: (x) => Math.min(Math.max(Math.exp(x), param.low), param.high),
      };
    case "int": {
      const { low, high, step, log } = param;
      const clamp = (value: number) => Math.min(Math.max(value, low), high);
      if (log)
        return {
          kind: "numeric",
          low: Math.log(low - 0.5),
          high: Math.log(high + 0.5),
          toInternal: Math.log,
          fromInternal: (x) => clamp(Math.round(Math.exp(x))),
        };
      // The top of the range is the last value on the step grid.
      const top = low + Math.floor((high - low) / step) * step;
      return {
        kind: "numeric",
        low: low - 0.5 * step,
        high: top + 0.5 * step,
        step,
        toInternal: (value) => value,
        fromInternal: (x) => Math.min(Math.max(Math.round((x - low) / step) * step + low, low), top),
      };
    }
    case "categorical":
      return { kind: "categorical", choices: param.choices };
    default:
      return unreachable(param);
  }
}

export function axesOf(space: SearchSpace): [string, Axis][] {
  return Object.entries(space).map(([name, param]) => [name, axisOf(param)]);
}

/** A uniform draw on the internal axis (so log-scaled params are log-uniform). */
export function sampleUniform(axis: Axis, random: Random): ParamValue {
  if (axis.kind === "categorical") return axis.choices[random.int(axis.choices.length)] as ParamValue;
  return axis.fromInternal(axis.low + random.next() * (axis.high - axis.low));
}

export function sampleSpace(space: SearchSpace, random: Random): ParamSet {
  const params: ParamSet = {};
  for (const [name, axis] of axesOf(space)) params[name] = sampleUniform(axis, random);
  return params;
}

/**
 * The point of `space` nearest the learner's defaults (Optuna's enqueue_trial of the library defaults), so a
 * study always scores the configuration a user would get untuned. A default outside the bounds is clamped; a
 * null default of a numeric param (e.g. max_depth: null, unlimited) takes the upper bound; a categorical default
 * not among the choices takes the first choice.
 */
export function defaultPoint(space: SearchSpace, defaults: Record<string, unknown>): ParamSet {
  const point: ParamSet = {};
  for (const [name, param] of Object.entries(space)) {
    const value = defaults[name];
    if (param.type === "categorical") {
      point[name] = param.choices.includes(value as ParamValue)
        ? (value as ParamValue)
        : (param.choices[0] as ParamValue);
      continue;
    }
    const axis = axisOf(param) as NumericAxis;
    const number = typeof value === "number" ? value : param.high;
    point[name] = axis.fromInternal(axis.toInternal(Math.min(Math.max(number, param.low), param.high)));
  }
  return point;
}
