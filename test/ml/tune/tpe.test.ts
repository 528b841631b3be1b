import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SearchSpace } from "../../../src/ml/params.js";
import { createRandom } from "../../../src/ml/random.js";
import { normalCdf, normalQuantile, truncatedNormalLogPdf } from "../../../src/ml/tune/gaussian.js";
import type { ParamSet } from "../../../src/ml/tune/space.js";
import { runStudy } from "../../../src/ml/tune/study.js";
import { gamma, observationWeights } from "../../../src/ml/tune/tpe.js";

type Objective = (params: ParamSet) => number;

const center = [1.3, -2.1, 0.7, 3.2];
const quadratic: Objective = (p) => center.reduce((sum, c, i) => sum + ((p[`x${i}`] as number) - c) ** 2, 0);
const quadraticSpace: SearchSpace = Object.fromEntries(
  center.map((_, i) => [`x${i}`, { type: "uniform", low: -5, high: 5 }]),
);
// Branin–Hoo: global minimum 0.397887 at three points.
const branin: Objective = (p) => {
  const x = p.x as number;
  const y = p.y as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
};
const braninSpace: SearchSpace = {
  x: { type: "uniform", low: -5, high: 10 },
  y: { type: "uniform", low: 0, high: 15 },
};

async function bestValues(objective: Objective, space: SearchSpace, startupTrials: number, seeds: number) {
  const bests: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const trials = await runStudy(
      { space, trials: 50, jobs: 1, seed, direction: "minimize", startupTrials, candidates: 24 },
      (params) => ({ value: objective(params), seconds: 0 }),
    );
    bests.push(Math.min(...trials.map((trial) => trial.value)));
  }
  return bests.sort((a, b) => a - b);
}

const median = (values: number[]) => values[Math.floor(values.length / 2)] as number;

for (const [name, objective, space, region] of [
  ["a shifted 4-d quadratic", quadratic, quadraticSpace, 2.5],
  ["Branin", branin, braninSpace, 0.9],
] as const) {
  test(`TPE finds the optimum region of ${name} and beats random search at equal budget`, async () => {
    const tpe = await bestValues(objective, space, 10, 9);
    // startupTrials above the budget: every trial is a uniform random draw.
    const random = await bestValues(objective, space, 1000, 9);
    assert.ok(median(tpe) < region, `TPE median best ${median(tpe)} within ${region} of the optimum`);
    assert.ok(median(tpe) < median(random), `TPE ${median(tpe)} vs random ${median(random)}`);
  });
}

test("the study is reproducible for a seed and jobs, whatever order parallel trials finish in", async () => {
  const run = (jobs: number, delaySeed: number) => {
    const delays = createRandom(delaySeed);
    return runStudy(
      {
        space: braninSpace,
        trials: 16,
        jobs,
        seed: 7,
        direction: "minimize",
        startupTrials: 4,
        candidates: 24,
      },
      async (params) => {
        await new Promise((resolve) => setTimeout(resolve, delays.int(5)));
        return { value: branin(params), seconds: 0 };
      },
    );
  };
  const strip = (trials: Awaited<ReturnType<typeof run>>) =>
    trials.map(({ number, params, value }) => ({ number, params, value }));
  assert.equal(strip(await run(3, 1)), strip(await run(3, 2)));
  assert.equal(strip(await run(1, 1)), strip(await run(1, 3)));
});

test("int, log-scaled and categorical params stay on their grids and TPE favours the best choice", async () => {
  const space: SearchSpace = {
    trees: { type: "int", low: 10, high: 100, step: 10, log: false },
    leaves: { type: "int", low: 1, high: 64, step: 1, log: true },
    rate: { type: "log_uniform", low: 0.001, high: 1 },
    kind: { type: "categorical", choices: ["bad", "good", "worse", null] },
  };
  const penalty: Record<string, number> = { bad: 1, good: 0, worse: 2, null: 1.5 };
  const trials = await runStudy(
    { space, trials: 60, jobs: 1, seed: 3, direction: "minimize", startupTrials: 10, candidates: 24 },
    (p) => ({
      value:
        (penalty[String(p.kind)] as number) +
        Math.log10(p.rate as number) ** 2 / 4 +
        ((p.trees as number) - 70) ** 2 / 900 +
        Math.log2(p.leaves as number) / 6,
      seconds: 0,
    }),
  );
  for (const { params } of trials) {
    assert.ok(Number.isInteger(params.trees) && (params.trees as number) % 10 === 0);
    assert.ok((params.trees as number) >= 10 && (params.trees as number) <= 100);
    assert.ok(
      Number.isInteger(params.leaves) && (params.leaves as number) >= 1 && (params.leaves as number) <= 64,
    );
    assert.ok((params.rate as number) >= 0.001 && (params.rate as number) <= 1);
    assert.ok(["bad", "good", "worse", null].includes(params.kind as string | null));
  }
  const late = trials.slice(30).filter((trial) => trial.params.kind === "good").length;
  assert.ok(late > 20, `"good" chosen in ${late} of the last 30 trials`);
});

test("the maximising direction is honoured", async () => {
  const trials = await runStudy(
    {
      space: braninSpace,
      trials: 30,
      jobs: 1,
      seed: 1,
      direction: "maximize",
      startupTrials: 10,
      candidates: 24,
    },
    (params) => ({ value: -branin(params), seconds: 0 }),
  );
  assert.ok(Math.max(...trials.map((t) => t.value)) > -1.5);
});

test("Optuna's defaults: γ(n) and the chronological weight ramp", () => {
  assert.equal([gamma(1), gamma(10), gamma(11), gamma(300)], [1, 1, 2, 25]);
  const weights = observationWeights(30);
  assert.is(weights.length, 30);
  assert.ok(Math.abs((weights[0] as number) - 1 / 30) < 1e-12 && weights[4] === 1 && weights[29] === 1);
  assert.ok(Math.abs((weights[2] as number) - (1 / 30 + (1 - 1 / 30) / 2)) < 1e-12);
});

test("normal CDF, quantile and truncated log-density match scipy", () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.01) + 2.3263478740408408) < 1e-8);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 1e-7);
  // scipy.stats.truncnorm.logpdf(0.5, -1, 2)
  assert.ok(Math.abs(truncatedNormalLogPdf(0.5, 0, 1, -1, 2) + 0.84377223888021) < 1e-6);
});

test.run();
