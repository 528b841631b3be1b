// Drift on synthetic windows where the right answer is known: windows drawn from the training distribution must
// (almost) never alarm, a 0.5-standard-deviation mean shift at the server's default window must. Rates over 100
// seeds, printed so the figures can be quoted.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  countInBins,
  detectDrift,
  type FeatureWindow,
  type ReferenceHistogram,
} from "../../src/drift/index.js";
import { createRandom, type Random } from "../../src/ml/random.js";

const WINDOW = 2000; // SERVE_DRIFT_WINDOW's default
const NUMERIC = 5;
const BINS = 10; // the data profile's quantile bins
const CATEGORY_PROPORTIONS = [0.5, 0.3, 0.15, 0.05];
const SEEDS = 100;

function normals(random: Random, count: number, mean: number): number[] {
  return Array.from({ length: count }, () => mean + random.normal());
}

function numericReference(values: number[]): ReferenceHistogram {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < BINS; k++) edges.push(sorted[Math.floor(((sorted.length - 1) * k) / BINS)] as number);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
  const counts = countInBins(edges, values);
  return {
    kind: "numeric",
    edges,
    std,
    rows: values.length,
    proportions: counts.map((c) => c / values.length),
  };
}

function categories(random: Random, count: number, proportions: readonly number[]): number[] {
  const counts = new Array<number>(proportions.length).fill(0);
  for (let i = 0; i < count; i++) {
    let u = random.next();
    let k = 0;
    while (k < proportions.length - 1 && u >= (proportions[k] as number)) u -= proportions[k++] as number;
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

/** One trial: a training sample, then a live window, `shift` standard deviations off in feature 0. */
function trial(seed: number, referenceRows: number, shift: number) {
  const random = createRandom(seed, referenceRows);
  const windows: FeatureWindow[] = [];
  for (let j = 0; j < NUMERIC; j++) {
    const reference = numericReference(normals(random, referenceRows, 0));
    const live = countInBins(reference.edges ?? [], normals(random, WINDOW, j === 0 ? shift : 0));
    windows.push({ name: `x${j}`, reference, live });
  }
  const referenceCounts = categories(random, referenceRows, CATEGORY_PROPORTIONS);
  windows.push({
    name: "colour",
    reference: {
      kind: "categorical",
      rows: referenceRows,
      proportions: referenceCounts.map((c) => c / referenceRows),
    },
    live: categories(random, WINDOW, CATEGORY_PROPORTIONS),
  });
  return detectDrift(windows);
}

function rates(referenceRows: number, shift: number) {
  let anyAlarm = 0;
  let shiftedFound = 0;
  let datasetAlarm = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const result = trial(seed, referenceRows, shift);
    if (result.features.some((feature) => feature.drifted && feature.name !== "x0")) anyAlarm++;
    if (result.features.find((feature) => feature.name === "x0")?.drifted) shiftedFound++;
    if (result.drifted) datasetAlarm++;
  }
  return { falseAlarm: anyAlarm / SEEDS, power: shiftedFound / SEEDS, dataset: datasetAlarm / SEEDS };
}

for (const [referenceRows, tests] of [
  [404, "KS + chi-squared, FDR"],
  [5000, "Wasserstein + Jensen–Shannon"],
] as const) {
  test(`${tests} (${referenceRows} training rows, window ${WINDOW}): no alarms on the training distribution`, () => {
    const { falseAlarm, power, dataset } = rates(referenceRows, 0);
    console.log(`  ${tests}, no shift: any-feature alarm rate ${falseAlarm}, dataset drift rate ${dataset}`);
    assert.ok(falseAlarm <= 0.1, `false-alarm rate ${falseAlarm} over ${SEEDS} seeds`);
    assert.ok(power <= 0.1, `feature x0 alarmed in ${power} of unshifted windows`);
    assert.is(dataset, 0);
  });

  test(`${tests} (${referenceRows} training rows, window ${WINDOW}): a 0.5 sd mean shift is found`, () => {
    const { falseAlarm, power, dataset } = rates(referenceRows, 0.5);
    console.log(
      `  ${tests}, 0.5 sd shift: detection rate ${power}, other features' alarm rate ${falseAlarm}`,
    );
    assert.ok(power >= 0.95, `detection rate ${power} over ${SEEDS} seeds`);
    assert.ok(falseAlarm <= 0.1);
    assert.is(dataset, 0, "one drifted feature of six is not dataset drift");
  });
}

test("the dataset drifts when at least half its features do", () => {
  const random = createRandom(7);
  const windows = Array.from({ length: 4 }, (_, j) => {
    const reference = numericReference(normals(random, 400, 0));
    return {
      name: `x${j}`,
      reference,
      live: countInBins(reference.edges ?? [], normals(random, WINDOW, j < 2 ? 1 : 0)),
    };
  });
  const result = detectDrift(windows);
  assert.equal(
    result.features.map((feature) => feature.drifted),
    [true, true, false, false],
  );
  assert.is(result.driftedShare, 0.5);
  assert.ok(result.drifted);
});

test.run();
