// Tree-structured Parzen Estimator (Bergstra et al., 2011), univariate, with Optuna's TPESampler defaults:
// random suggestions for the first `startupTrials`; then the trials are split into the best γ(n) = min(⌈0.1 n⌉, 25)
// ("below") and the rest ("above"); for each parameter a Parzen estimator (a mixture of truncated Gaussians, one per
// trial plus a wide prior) is fitted to each group, `candidates` values are drawn from the "below" density l(x) and
// the one maximising l(x) / g(x) is suggested. Bandwidths come from the distances to neighbouring observations,
// clipped to [range / min(100, 1 + components), range]; older trials get lower weight once there are more than 25.
import type { Random } from "../random.js";
import { logGaussMass, logSumExp, sampleTruncatedNormal, truncatedNormalLogPdf } from "./gaussian.js";
import {
  type Axis,
  type CategoricalAxis,
  type NumericAxis,
  type ParamSet,
  type ParamValue,
  sampleUniform,
} from "./space.js";

export interface TpeOptions {
  startupTrials: number;
  candidates: number;
  /** Weight of the prior component (Optuna: 1). */
  priorWeight?: number;
}

/** A finished trial as the sampler sees it: lower loss is better. */
export interface Observation {
  params: ParamSet;
  loss: number;
}

export function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Chronological weights: flat for the last 25 trials, a ramp from 1/n up for older ones. */
export function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights: number[] = [];
  for (let i = 0; i < ramp; i++) weights.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) weights.push(1);
  return weights;
}

/** The next params to try, given the finished trials in chronological order. */
export function suggest(
  axes: [string, Axis][],
  history: Observation[],
  random: Random,
  options: TpeOptions,
): ParamSet {
  const params: ParamSet = {};
  const usable = history.filter((observation) => Number.isFinite(observation.loss));
  if (usable.length < options.startupTrials) {
    for (const [name, axis] of axes) params[name] = sampleUniform(axis, random);
    return params;
  }
  const { below, above } = splitBelowAbove(usable);
  const draw: CandidateDraw = {
    random,
    candidates: options.candidates,
    priorWeight: options.priorWeight ?? 1,
  };
  for (const [name, axis] of axes) {
    const valuesBelow = below.map((observation) => observation.params[name] as ParamValue);
    const valuesAbove = above.map((observation) => observation.params[name] as ParamValue);
    params[name] =
      axis.kind === "numeric"
        ? suggestNumeric(axis, valuesBelow as number[], valuesAbove as number[], draw)
        : suggestCategorical(axis, valuesBelow, valuesAbove, draw);
  }
  return params;
}

/** The best γ(n) trials and the rest, each kept in chronological order (ties in loss: the earlier is better). */
export function splitBelowAbove(history: Observation[]): { below: Observation[]; above: Observation[] } {
  const ranked = history.map((observation, index) => ({ observation, index }));
  ranked.sort((a, b) => a.observation.loss - b.observation.loss || a.index - b.index);
  const cut = gamma(history.length);
  const chronological = (items: typeof ranked) =>
    items.sort((a, b) => a.index - b.index).map((item) => item.observation);
  return { below: chronological(ranked.slice(0, cut)), above: chronological(ranked.slice(cut)) };
}

interface NumericParzen {
  mus: number[];
  sigmas: number[];
  logWeights: number[];
  low: number;
  high: number;
  step?: number;
}

export function numericParzen(axis: NumericAxis, observations: number[], priorWeight: number): NumericParzen {
  const { low, high } = axis;
  const n = observations.length;
  const mus = [...observations.map((value) => axis.toInternal(value)), 0.5 * (low + high)];
  const order = mus.map((_, i) => i).sort((a, b) => (mus[a] as number) - (mus[b] as number) || a - b);
  const sorted = [low, ...order.map((i) => mus[i] as number), high];
  const sortedSigmas = order.map((_, k) =>
    Math.max(
      (sorted[k + 1] as number) - (sorted[k] as number),
      (sorted[k + 2] as number) - (sorted[k + 1] as number),
    ),
  );
  // Without endpoints: the outermost components look inward only.
  if (sorted.length >= 4) {
    sortedSigmas[0] = (sorted[2] as number) - (sorted[1] as number);
    sortedSigmas[sortedSigmas.length - 1] =
      (sorted[sorted.length - 2] as number) - (sorted[sorted.length - 3] as number);
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, k) => {
    sigmas[i] = sortedSigmas[k] as number;
  });
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + mus.length);
  for (let i = 0; i < sigmas.length; i++)
    sigmas[i] = Math.min(Math.max(sigmas[i] as number, minSigma), maxSigma);
  sigmas[n] = high - low;
  return {
    mus,
    sigmas,
    logWeights: mixtureLogWeights(n, priorWeight),
    low,
    high,
    ...(axis.step ? { step: axis.step } : {}),
  };
}

function mixtureLogWeights(n: number, priorWeight: number): number[] {
  const weights = [...observationWeights(n), priorWeight];
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => Math.log(weight / total));
}

function chooseComponent(logWeights: number[], random: Random): number {
  const u = random.next();
  let cumulative = 0;
  for (let i = 0; i < logWeights.length; i++) {
    cumulative += Math.exp(logWeights[i] as number);
    if (u < cumulative) return i;
  }
  return logWeights.length - 1;
}

export function sampleNumericParzen(parzen: NumericParzen, random: Random): number {
  const i = chooseComponent(parzen.logWeights, random);
  return sampleTruncatedNormal(
    random,
    parzen.mus[i] as number,
    parzen.sigmas[i] as number,
    parzen.low,
    parzen.high,
  );
}

export function numericLogPdf(parzen: NumericParzen, x: number): number {
  const { low, high, step } = parzen;
  const terms = parzen.mus.map((mu, i) => {
    const sigma = parzen.sigmas[i] as number;
    const logWeight = parzen.logWeights[i] as number;
    if (step === undefined) return logWeight + truncatedNormalLogPdf(x, mu, sigma, low, high);
    // Quantized: the mass of the grid cell around x, relative to the mass inside the bounds.
    const cellLow = Math.max(x - step / 2, low);
    const cellHigh = Math.min(x + step / 2, high);
    return (
      logWeight +
      logGaussMass((cellLow - mu) / sigma, (cellHigh - mu) / sigma) -
      logGaussMass((low - mu) / sigma, (high - mu) / sigma)
    );
  });
  return logSumExp(terms);
}

/** How an axis's next value is drawn: `candidates` draws from l, with `priorWeight` on the prior component. */
interface CandidateDraw {
  random: Random;
  candidates: number;
  priorWeight: number;
}

function suggestNumeric(
  axis: NumericAxis,
  below: number[],
  above: number[],
  { random, candidates, priorWeight }: CandidateDraw,
): number {
  const l = numericParzen(axis, below, priorWeight);
  const g = numericParzen(axis, above, priorWeight);
  return bestCandidate(
    candidates,
    Number.NaN,
    // Quantized axes score the grid point the candidate rounds to.
    () => axis.fromInternal(sampleNumericParzen(l, random)),
    (value) => {
      const x = axis.toInternal(value);
      return numericLogPdf(l, x) - numericLogPdf(g, x);
    },
  );
}

/**
 * Of `candidates` values drawn one after another from l, the one with the highest score log l(x) − log g(x) (the
 * first on a tie); `none` when no score beats −∞.
 */
function bestCandidate<T>(candidates: number, none: T, draw: () => T, score: (value: T) => number): T {
  let best = none;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < candidates; c++) {
    const value = draw();
    const valueScore = score(value);
    if (valueScore > bestScore) {
      bestScore = valueScore;
      best = value;
    }
  }
  return best;
}

/** Row i: the category probabilities of component i (the last row is the uniform prior). */
function categoricalParzen(
  axis: CategoricalAxis,
  observations: ParamValue[],
  priorWeight: number,
): number[][] {
  const k = axis.choices.length;
  const n = observations.length;
  const base = priorWeight / (n + 1);
  const rows = observations.map((value) => {
    const row = new Array<number>(k).fill(base);
    const index = axis.choices.indexOf(value);
    if (index >= 0) row[index] = (row[index] as number) + 1;
    const total = row.reduce((sum, p) => sum + p, 0);
    return row.map((p) => p / total);
  });
  rows.push(new Array<number>(k).fill(1 / k));
  return rows;
}

function suggestCategorical(
  axis: CategoricalAxis,
  below: ParamValue[],
  above: ParamValue[],
  { random, candidates, priorWeight }: CandidateDraw,
): ParamValue {
  const lRows = categoricalParzen(axis, below, priorWeight);
  const gRows = categoricalParzen(axis, above, priorWeight);
  const lWeights = mixtureLogWeights(below.length, priorWeight).map(Math.exp);
  const gWeights = mixtureLogWeights(above.length, priorWeight).map(Math.exp);
  const density = (rows: number[][], weights: number[], index: number) =>
    rows.reduce((sum, row, i) => sum + (weights[i] as number) * (row[index] as number), 0);
  const lLogWeights = lWeights.map(Math.log);
  const best = bestCandidate(
    candidates,
    0,
    () => {
      const row = lRows[chooseComponent(lLogWeights, random)] as number[];
      let u = random.next();
      let index = 0;
      while (index < row.length - 1 && u >= (row[index] as number)) {
        u -= row[index] as number;
        index++;
      }
      return index;
    },
    (index) => Math.log(density(lRows, lWeights, index)) - Math.log(density(gRows, gWeights, index)),
  );
  return axis.choices[best] as ParamValue;
}
