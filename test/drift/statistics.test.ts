// Known answers for the drift statistics: values computed by scipy 1.10 (stats.chi2.sf, stats.kstwobign.sf,
// stats.chi2_contingency, spatial.distance.jensenshannon) and by hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  benjaminiHochberg,
  chiSquared,
  countInBins,
  jensenShannonDistance,
  kolmogorovSmirnov,
  wassersteinDistance,
} from "../../src/drift/index.js";
import { chiSquaredSurvival, kolmogorovSurvival, logGamma } from "../../src/drift/special-functions.js";

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

test("logGamma matches factorials and Γ(1/2) = √π", () => {
  close(logGamma(5), Math.log(24), 1e-12, "lnΓ(5)");
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12, "lnΓ(1/2)");
  close(logGamma(100), 359.1342053695754, 1e-9, "lnΓ(100)");
});

test("chi-squared survival matches scipy on both sides of the series/fraction switch", () => {
  close(chiSquaredSurvival(3.84145882, 1), 0.05, 1e-7, "χ²₁(3.841)");
  close(chiSquaredSurvival(18.307038, 10), 0.05, 1e-7, "χ²₁₀(18.307)");
  close(chiSquaredSurvival(2, 9), 0.991467, 1e-6, "χ²₉(2)");
  close(chiSquaredSurvival(100, 9), 1.5735176e-17, 1e-23, "χ²₉(100)");
  assert.is(chiSquaredSurvival(5, 0), 1);
});

test("Kolmogorov survival matches scipy's kstwobign on both branches", () => {
  close(kolmogorovSurvival(1.3580986), 0.05, 1e-6, "Q(1.358)");
  close(kolmogorovSurvival(0.5), 0.963945, 1e-6, "Q(0.5)");
  close(kolmogorovSurvival(0.9), 0.392731, 1e-6, "Q(0.9)");
  close(kolmogorovSurvival(2), 0.000670925, 1e-8, "Q(2)");
  assert.is(kolmogorovSurvival(0.1), 1);
});

test("KS: identical histograms give D = 0, p = 1; D is the largest CDF gap", () => {
  const reference = {
    kind: "numeric" as const,
    proportions: [0.25, 0.25, 0.25, 0.25],
    rows: 400,
    edges: [1, 2, 3],
  };
  const same = kolmogorovSmirnov(reference, [100, 100, 100, 100]);
  assert.is(same.statistic, 0);
  assert.is(same.pValue, 1);
  const shifted = kolmogorovSmirnov(reference, [0, 100, 100, 200]);
  close(shifted.statistic, 0.25, 1e-12, "D");
  // √(400·400/800) = 14.142; λ = (14.142 + 0.12 + 0.0078)·0.25 = 3.5675
  close(shifted.pValue, kolmogorovSurvival(3.567544), 1e-9, "p");
  assert.ok(shifted.pValue < 1e-9);
});

test("chi-squared homogeneity matches scipy's chi2_contingency without Yates", () => {
  // chi2_contingency([[30, 70], [50, 50]], correction=False) → 8.3333, p = 0.003892
  const result = chiSquared({ kind: "categorical", proportions: [0.3, 0.7], rows: 100 }, [50, 50]);
  close(result.statistic, 8.333333, 1e-5, "χ²");
  close(result.pValue, 0.0038924, 1e-6, "p");
  // A bin empty on both sides does not count as a degree of freedom.
  const withEmpty = chiSquared({ kind: "categorical", proportions: [0.3, 0.7, 0], rows: 100 }, [50, 50, 0]);
  close(withEmpty.pValue, result.pValue, 1e-12, "p with an empty bin");
});

test("Wasserstein: a shift of the whole distribution by one bin width within the edges", () => {
  const edges = [0, 1, 2, 3, 4];
  const reference = {
    kind: "numeric" as const,
    proportions: [0, 0.5, 0.5, 0, 0, 0],
    rows: 1000,
    edges,
    std: 1,
  };
  // Live mass in (1,2] and (2,3]: one unit to the right of the reference's (0,1] and (1,2].
  close(wassersteinDistance(reference, [0, 0, 50, 50, 0, 0]), 1, 1e-12, "W");
  close(wassersteinDistance(reference, [0, 50, 50, 0, 0, 0]), 0, 1e-12, "W of equal");
  close(wassersteinDistance({ ...reference, std: 2 }, [0, 0, 50, 50, 0, 0]), 0.5, 1e-12, "W in units of std");
});

test("Jensen–Shannon distance matches scipy (natural log)", () => {
  // jensenshannon([0.5, 0.5], [0.9, 0.1]) = 0.3189815
  close(jensenShannonDistance([0.5, 0.5], [90, 10]), 0.3189815, 1e-6, "JS");
  close(jensenShannonDistance([1, 0], [0, 5]), Math.sqrt(Math.log(2)), 1e-12, "disjoint");
  close(jensenShannonDistance([0.2, 0.8], [20, 80]), 0, 1e-12, "equal");
});

test("Benjamini–Hochberg matches R's p.adjust(method = 'BH')", () => {
  const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
  // p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
  assert.equal(
    adjusted.map((p) => Number(p.toFixed(10))),
    [0.02, 0.04, 0.04, 0.02],
  );
});

test("countInBins: bin i holds (edges[i-1], edges[i]], NaN in no bin", () => {
  assert.equal(countInBins([1, 2], [0, 1, 1.5, 2, 3, Number.NaN]), [2, 2, 1]);
});

test.run();
