// The two tail probabilities drift tests need, written out because no maintained npm package provides them
// without pulling in a whole numerics library: the chi-squared survival function (via the regularised upper
// incomplete gamma function) and the Kolmogorov distribution's survival function.
// Algorithms: Numerical Recipes, 3rd ed., §6.1–6.2 (Lanczos log-gamma, series / continued fraction) and §14.3.

const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 3.399464998481189e-5,
  4.652362892704858e-5, -9.837447530487956e-5, 1.580887032249125e-4, -2.1026444172410488e-4,
  2.1743961811521265e-4, -1.643181065367639e-4, 8.441822398385275e-5, -2.6190838401581408e-5,
  3.6899182659531625e-6,
];

export function logGamma(x: number): number {
  let y = x;
  const tmp = x + 5.2421875;
  const t = (x + 0.5) * Math.log(tmp) - tmp;
  let series = 0.9999999999999971;
  for (const coefficient of LANCZOS) series += coefficient / ++y;
  return t + Math.log((Math.sqrt(2 * Math.PI) * series) / x);
}

const EPSILON = 1e-15;
const TINY = 1e-300;

/** P(a, x) by its power series; converges fast for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x ≥ a + 1. */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
export function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** P(χ²_df ≥ statistic). */
export function chiSquaredSurvival(statistic: number, degreesOfFreedom: number): number {
  if (degreesOfFreedom <= 0) return 1;
  return upperGammaQ(degreesOfFreedom / 2, statistic / 2);
}

/** Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²): P(√n·D > λ) as n → ∞. */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.27) return 1;
  if (lambda < 1) {
    // The alternating series converges slowly here; use the theta-function form of the CDF instead.
    const y = Math.exp(-1.2337005501361697 / (lambda * lambda)); // π²/8
    const cdf = (Math.sqrt(2 * Math.PI) / lambda) * (y + y ** 9 + y ** 25 + y ** 49); // √(2π)
    return 1 - cdf;
  }
  const x = Math.exp(-2 * lambda * lambda);
  return 2 * (x - x ** 4 + x ** 9 - x ** 16);
}
