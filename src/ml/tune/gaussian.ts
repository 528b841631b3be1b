// Normal-distribution helpers for the TPE's truncated-Gaussian Parzen estimators: the CDF (through a
// double-precision erfc), its inverse, and Gaussian mass over an interval in log space.
import type { Random } from "../random.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * erfc(x) to about 1e-14 relative error: the Maclaurin series of erf for |x| < 2, and the continued fraction
 * erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) beyond (evaluated with Lentz's method).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) < 2) return 1 - erfSeries(x);
  const z = Math.abs(x);
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = z + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = z + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const tail = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return x > 0 ? tail : 2 - tail;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const contribution = term / (2 * n + 1);
    sum += contribution;
    if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(Φ(b) − Φ(a)) for a < b, computed on the side of the distribution where it is accurate. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return Math.log(Math.max(normalCdf(b) - normalCdf(a), Number.MIN_VALUE));
  if (a >= 0) return Math.log(Math.max(normalCdf(-a) - normalCdf(-b), Number.MIN_VALUE));
  return Math.log(Math.max(1 - normalCdf(a) - normalCdf(-b), Number.MIN_VALUE));
}

// Acklam's coefficients, highest degree first.
const CENTRAL_NUMERATOR = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const CENTRAL_DENOMINATOR = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const TAIL_NUMERATOR = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const TAIL_DENOMINATOR = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];

function horner(coefficients: number[], x: number): number {
  let value = 0;
  for (const coefficient of coefficients) value = value * x + coefficient;
  return value;
}

/** Inverse standard normal CDF (Acklam's rational approximation, refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const low = 0.02425;
  let x: number;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(Math.min(p, 1 - p)));
    const tail = horner(TAIL_NUMERATOR, q) / horner(TAIL_DENOMINATOR, q);
    x = p < low ? tail : -tail;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (horner(CENTRAL_NUMERATOR, r) * q) / horner(CENTRAL_DENOMINATOR, r);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** A draw from N(mu, sigma²) truncated to [low, high], by inverting the CDF. */
export function sampleTruncatedNormal(
  random: Random,
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  const lower = normalCdf((low - mu) / sigma);
  const upper = normalCdf((high - mu) / sigma);
  const p = lower + random.next() * (upper - lower);
  const x = mu + sigma * normalQuantile(p);
  return Math.min(Math.max(x, low), high);
}

/** log density of N(mu, sigma²) truncated to [low, high] at x. */
export function truncatedNormalLogPdf(
  x: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  return (
    normalLogPdf((x - mu) / sigma) - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma)
  );
}

export function logSumExp(values: number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > max) max = value;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}
